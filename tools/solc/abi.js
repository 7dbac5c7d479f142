// Compiles one contract's exported Solidity interface with solc (standard JSON) and prints its
// JSON ABI: the constructor first (when the contract has one), then the interface's functions
// and errors in solc's order. Compiling is also the proof that the interface is valid Solidity:
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

const interfaceSource = fs.readFileSync(interfacePath, 'utf8');
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
