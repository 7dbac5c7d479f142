// Compiles one contract's exported Solidity interface with solc (standard JSON) and prints its
// JSON ABI: the constructor first (when the contract has one), then the interface's functions,
// events and errors in solc's order. Compiling is also the proof that the interface is valid Solidity:
// any solc error fails the export (warnings are printed to stderr).
//
// Usage: node tools/solc/abi.js INTERFACE.sol [CONSTRUCTOR.txt]
//   INTERFACE.sol    what the contract's export-abi binary prints for `abi` (one interface)
//   CONSTRUCTOR.txt  what it prints for `constructor` (e.g. `constructor(address governance)`),
//                    empty or absent when the contract has no constructor
//
// An interface cannot declare a constructor, so the constructor's entry comes from compiling
// `contract Constructor { <signature> {} }` next to the interface (solc gives an abstract
// contract's ABI no constructor; the stub's own warnings, unused parameters, are not shown).
//
// Tuples: the SDK prints a Rust tuple parameter or return as an anonymous Solidity tuple type
// (`(uint256,address)[] memory`), which Solidity has no syntax for. Before compiling, each
// distinct tuple shape becomes a struct `Tuple<n>` with fields `_0`, `_1`, … declared inside the
// interface: the ABI (types, selectors, encodings) is the same, its components are named `_i`.
// (A function returning one tuple array is printed as `returns (a,b)[] memory`: the list's own
// parentheses are restored first.)
'use strict';

const fs = require('fs');
const path = require('path');
const solc = require('solc');

function fail(message) {
  process.stderr.write(`abi.js: ${message}\n`);
  process.exit(1);
}

const [interfacePath, constructorPath] = process.argv.slice(2);
if (!interfacePath) fail('usage: node tools/solc/abi.js INTERFACE.sol [CONSTRUCTOR.txt]');

const interfaceSource = namedTuples(fs.readFileSync(interfacePath, 'utf8'));
const constructorSignature = constructorPath
  ? fs.readFileSync(constructorPath, 'utf8').trim()
  : '';
if (constructorSignature && !constructorSignature.startsWith('constructor(')) {
  fail(`${constructorPath}: not a constructor signature: ${constructorSignature}`);
}

const pragma = (interfaceSource.match(/^pragma solidity [^;]+;$/m) || [])[0];
if (!pragma) fail(`${interfacePath}: no pragma line`);
const license = (interfaceSource.match(/^\/\/ SPDX-License-Identifier: .*$/m) || [])[0];

const interfaceName = path.basename(interfacePath);
const sources = { [interfaceName]: { content: interfaceSource } };
if (constructorSignature) {
  sources['Constructor.sol'] = {
    content: [
      license || '// SPDX-License-Identifier: UNLICENSED',
      pragma,
      '',
      // A constructor's reference parameters live in memory: the SDK prints `calldata` for its
      // strings and bytes (as for functions), which solc rejects in a constructor.
      `contract Constructor { ${constructorSignature.replace(/ calldata /g, ' memory ')} {} }`,
      '',
    ].join('\n'),
  };
}

// Replaces every anonymous tuple type of `source` with a struct declared in its interface.
function namedTuples(source) {
  const structs = new Map(); // field types joined by ',' -> struct name
  // The index of the `)` closing the `(` at `open`.
  const closing = (text, open) => {
    let depth = 0;
    for (let i = open; i < text.length; i += 1) {
      if (text[i] === '(') depth += 1;
      if (text[i] === ')' && (depth -= 1) === 0) return i;
    }
    fail(`unbalanced parentheses in ${interfacePath}`);
  };
  // The struct for the tuple `(a,b,...)` (inner tuples first).
  const structFor = (tuple) => {
    const inner = rewrite(tuple.slice(1, -1));
    const key = inner.replace(/\s+/g, '');
    if (!structs.has(key)) {
      const fields = [];
      let depth = 0;
      let start = 0;
      for (let i = 0; i <= inner.length; i += 1) {
        if (i === inner.length || (inner[i] === ',' && depth === 0)) {
          // A struct field has no data location (the SDK prints `string calldata` inside tuples).
          fields.push(inner.slice(start, i).trim().replace(/\s+(memory|calldata)$/, ''));
          start = i + 1;
        } else if (inner[i] === '(') depth += 1;
        else if (inner[i] === ')') depth -= 1;
      }
      structs.set(key, { name: `Tuple${structs.size}`, fields });
    }
    return structs.get(key).name;
  };
  // `text` with each tuple type (a `(` where a type starts: after `(` or `,`) replaced.
  function rewrite(text) {
    let out = '';
    for (let i = 0; i < text.length; i += 1) {
      const before = out.trimEnd();
      const typeStarts = text[i] === '(' && (before.endsWith('(') || before.endsWith(','));
      if (!typeStarts) {
        out += text[i];
        continue;
      }
      const end = closing(text, i);
      out += structFor(text.slice(i, end + 1));
      i = end;
      // A struct parameter needs a data location; arrays of tuples already have one.
      const rest = text.slice(i + 1);
      const suffix = rest.match(/^((\[\d*\])*)\s*(memory|calldata)?/);
      if (!suffix[3]) {
        out += `${suffix[1]} memory`;
        i += suffix[1].length;
      }
    }
    return out;
  }
  // A lone tuple-array return is printed without its list's parentheses
  // (`returns (uint256,address)[] memory;`): put them back around the type.
  source = source.replace(/returns \(([^;]*)\)((\[\d*\])+) memory;/g, 'returns (($1)$2 memory);');
  const body = source.indexOf('{');
  if (body < 0) return source;
  const rewritten = rewrite(source.slice(body));
  if (structs.size === 0) return source;
  const declarations = [...structs.values()]
    .map(({ name, fields }) => `    struct ${name} { ${fields.map((type, i) => `${type} _${i};`).join(' ')} }\n`)
    .join('');
  return `${source.slice(0, body + 1)}\n${declarations}${rewritten.slice(1)}`;
}

const input = {
  language: 'Solidity',
  sources,
  settings: { outputSelection: { '*': { '*': ['abi'] } } },
};
const output = JSON.parse(solc.compile(JSON.stringify(input)));

const diagnostics = output.errors || [];
const isStubWarning = (e) =>
  e.severity !== 'error' && e.sourceLocation && e.sourceLocation.file === 'Constructor.sol';
for (const warning of diagnostics.filter((e) => e.severity !== 'error' && !isStubWarning(e))) {
  process.stderr.write(`abi.js: solc warning: ${warning.formattedMessage || warning.message}\n`);
}
const errors = diagnostics.filter((e) => e.severity === 'error');
if (errors.length > 0) {
  fail(`solc ${solc.version()} rejects ${interfacePath}:\n${errors.map((e) => e.formattedMessage || e.message).join('\n')}`);
}

const interfaces = Object.entries(output.contracts[interfaceName] || {});
if (interfaces.length !== 1) {
  fail(`${interfacePath}: expected exactly one interface, solc found ${interfaces.length}`);
}
const abi = interfaces[0][1].abi.slice();

if (constructorSignature) {
  const constructor = output.contracts['Constructor.sol'].Constructor.abi.filter(
    (item) => item.type === 'constructor',
  );
  if (constructor.length !== 1) fail(`no constructor in the ABI of: ${constructorSignature}`);
  abi.unshift(constructor[0]);
}

process.stdout.write(`${JSON.stringify(abi, null, 2)}\n`);
