// A real client against the devnode JSON-RPC server: viem, as a dApp would use it.
//
// Reads the deployment that `deploy --network local` wrote (DEPLOYMENTS, default
// deploy/deployments/local.json) and the exported ABIs (ABI_DIR, default deploy/abi), then, on
// the node at RPC_URL: reads the protocol's state, joins as a member with an EIP-712 KYC approval
// signed here, swaps ETH for NXM through the RAMM, and decodes the custom errors of reverts
// (simulateContract, writeContract's gas estimate, a mined reverted transaction, time travel
// with the anvil-style dev methods). scripts/viem-test.sh starts a fresh node, deploys and runs
// this; against a node you started yourself:
//   RPC_URL=http://127.0.0.1:8547 node --test clients/viem/test.mjs
import { after, before, describe, test } from 'node:test'
import assert from 'node:assert/strict'
import { randomBytes } from 'node:crypto'
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'

import {
  BaseError,
  ContractFunctionRevertedError,
  createPublicClient,
  createTestClient,
  createWalletClient,
  decodeErrorResult,
  defineChain,
  encodeFunctionData,
  formatEther,
  formatGwei,
  getAddress,
  hashTypedData,
  http,
  isAddressEqual,
  keccak256,
  parseEther,
  toBytes,
  toHex,
} from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '../..')
const RPC_URL = process.env.RPC_URL ?? 'http://127.0.0.1:8547'
const DEPLOYMENTS = resolve(process.env.DEPLOYMENTS ?? `${root}/deploy/deployments/local.json`)
const ABI_DIR = resolve(process.env.ABI_DIR ?? `${root}/deploy/abi`)

// The public dev keys: the Nitro dev key (the deployer of the local profile, prefunded) and the
// local profile's KYC authority (keccak256 of its dev seed, deploy/networks/local.toml).
const NITRO_DEV_KEY = '0xb6b15c8cb491557369f3c7d2c287b053eb229daa9c22138887752191c9520659'
const KYC_DEV_SEED = 'mutual devnet kyc authority'

const deployment = JSON.parse(readFileSync(DEPLOYMENTS, 'utf8'))
const abi = Object.fromEntries(
  ['nxm-token', 'membership', 'capital-pool', 'ramm'].map((name) => [
    name,
    JSON.parse(readFileSync(`${ABI_DIR}/${name}.json`, 'utf8')),
  ]),
)
const address = Object.fromEntries(
  deployment.contracts.map((c) => [c.name, getAddress(c.address)]),
)
// The RAMM passes a callee's revert data on as it is (the token's NotMember, say): to decode
// those, its ABI is joined with the errors of the contracts it calls.
const errorsOf = (name) => abi[name].filter((item) => item.type === 'error')
const rammCallsAbi = [...abi.ramm, ...errorsOf('nxm-token'), ...errorsOf('capital-pool')]

const chain = defineChain({
  id: deployment.chainId,
  name: 'Stylus devnode',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [RPC_URL] } },
})

// Every JSON-RPC method viem sends, counted (printed at the end: what a real client needs).
const methods = new Map()
const transport = http(RPC_URL, {
  async onFetchRequest(request) {
    const body = await request.clone().json()
    for (const { method } of [body].flat()) methods.set(method, (methods.get(method) ?? 0) + 1)
  },
})
const pollingInterval = 50 // automine: a receipt is there at once, no need for viem's 4 s
const publicClient = createPublicClient({ chain, transport, pollingInterval })
const testClient = createTestClient({ chain, transport, mode: 'anvil', pollingInterval })
const wallets = new Map() // one wallet client per account, as an app keeps it
const walletFor = (account) => {
  if (!wallets.has(account.address)) {
    wallets.set(account.address, createWalletClient({ account, chain, transport, pollingInterval }))
  }
  return wallets.get(account.address)
}

const deployer = privateKeyToAccount(NITRO_DEV_KEY)
const kyc = privateKeyToAccount(keccak256(toBytes(KYC_DEV_SEED)))
const member = privateKeyToAccount(generatePrivateKey())
const outsider = privateKeyToAccount(generatePrivateKey())

const read = (name, functionName, args = []) =>
  publicClient.readContract({ address: address[name], abi: abi[name], functionName, args })

const latestTimestamp = async () => (await publicClient.getBlock()).timestamp
const freshNonce = () => BigInt(toHex(randomBytes(8))) // single-use per membership; the founder's is 0

/** The KYC authority's EIP-712 approval of `account` joining (r ‖ s ‖ v, v 27/28). */
function approvalTypedData(account, nonce, deadline) {
  return {
    domain: {
      name: 'Mutual Membership',
      version: '1',
      chainId: deployment.chainId,
      verifyingContract: address.membership,
    },
    types: {
      MembershipApproval: [
        { name: 'member', type: 'address' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'MembershipApproval',
    message: { member: account, nonce, deadline },
  }
}
const approve = (account, nonce, deadline, signer = kyc) =>
  signer.signTypedData(approvalTypedData(account, nonce, deadline))

/** Waits for `hash` and expects success; a reverted transaction is explained (gas, replay). */
async function mined(hash) {
  const receipt = await publicClient.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') {
    const tx = await publicClient.getTransaction({ hash })
    let replay = 'the replay succeeds now'
    try {
      await publicClient.call({ account: tx.from, to: tx.to, data: tx.input, value: tx.value, gas: tx.gas })
    } catch (e) {
      replay = `the replay fails: ${e.details ?? e.shortMessage}`
    }
    assert.fail(
      `${hash} reverted in block ${receipt.blockNumber}: ${receipt.gasUsed} gas used of ${tx.gas}; ${replay}`,
    )
  }
  return receipt
}

/**
 * Sends a simulated request with a gas limit 25 % above eth_estimateGas, as wallets do. The
 * server estimates in the next block's context (head + 1 at its clock's time), but the clock
 * moves on between the estimate and the transaction, and a swap's gas depends on the time since
 * the RAMM's last update (on the local profile, ~200 000 gas becomes ~212 000 once 30 s have
 * passed, when an observation slot is written), so an exact estimate can still fall short.
 */
async function send(account, request) {
  const gas = await publicClient.estimateContractGas(request)
  return mined(await walletFor(account).writeContract({ ...request, gas: (gas * 5n) / 4n }))
}

/** Runs `promise`, expects a revert, and returns viem's decoded custom error. */
async function revertOf(promise) {
  let error
  try {
    await promise
  } catch (e) {
    error = e
  }
  assert.ok(error instanceof BaseError, `expected a revert, got ${error ?? 'success'}`)
  const revert = error.walk((e) => e instanceof ContractFunctionRevertedError)
  assert.ok(revert, `not a contract revert: ${error.shortMessage ?? error.message}`)
  assert.ok(revert.data, `the revert was not decoded (raw ${revert.raw}): ${revert.shortMessage}`)
  return revert.data // { errorName, args, abiItem }
}

function assertError(data, errorName, args) {
  assert.equal(data.errorName, errorName)
  assert.deepEqual(data.args ?? [], args)
}

const viemVersion = JSON.parse(readFileSync(`${here}/node_modules/viem/package.json`, 'utf8')).version

describe(`viem ${viemVersion} against ${RPC_URL}`, () => {
  before(async () => {
    assert.equal(deployment.complete, true, `${DEPLOYMENTS}: the deployment is not complete`)
    // The test accounts: one funded through the dev method, one by a plain transfer.
    await testClient.setBalance({ address: member.address, value: parseEther('100') })
    const hash = await walletFor(deployer).sendTransaction({
      to: outsider.address,
      value: parseEther('10'),
    })
    const receipt = await mined(hash)
  })

  after(() => {
    const list = [...methods].sort(([a], [b]) => a.localeCompare(b))
    console.log(`JSON-RPC methods viem used: ${list.map(([m, n]) => `${m}×${n}`).join(', ')}`)
  })

  test('the node is the deployment’s chain and the contracts are Stylus programs', async () => {
    assert.equal(await publicClient.getChainId(), 412346)
    assert.equal(deployment.chainId, 412346)
    for (const [name, at] of Object.entries(address)) {
      const code = await publicClient.getCode({ address: at })
      assert.ok(code?.startsWith('0xeff000'), `${name} at ${at}: not Stylus code (${code?.slice(0, 10)})`)
      assert.equal((code.length - 2) / 2, deployment.contracts.find((c) => c.name === name).codeBytes)
    }
  })

  test('reads the protocol state', async () => {
    assert.equal(await read('nxm-token', 'symbol'), 'NXM')
    assert.equal(await read('nxm-token', 'decimals'), 18)
    const supply = await read('nxm-token', 'totalSupply')
    const [poolValue, mcr, , mcrFloor, , mcrRatioBps] = await read('capital-pool', 'poolState')
    const [spotA, spotB, bookValue, internalPrice, ethReserve] = await read('ramm', 'state')
    const [swapPaused] = await read('ramm', 'circuitBreakers')
    console.log(
      `  supply ${formatEther(supply)} NXM, pool ${formatEther(poolValue)} ETH, MCR ${formatEther(mcr)} ETH ` +
        `(${Number(mcrRatioBps) / 100} %), spot A ${formatEther(spotA)}, spot B ${formatEther(spotB)}, ` +
        `book value ${formatEther(bookValue)}, internal price ${formatEther(internalPrice)} ETH/NXM`,
    )
    // The local profile: MCR floor 100 ETH, book value anchored at capital / supply.
    assert.equal(mcrFloor, parseEther('100'))
    assert.ok(mcr >= mcrFloor)
    assert.ok(poolValue > 0n && supply > 0n)
    assert.equal(bookValue, (poolValue * 10n ** 18n) / supply)
    assert.ok(spotB < bookValue && bookValue < spotA, 'spot B < book value < spot A')
    assert.ok(spotB <= internalPrice && internalPrice <= spotA)
    assert.ok(ethReserve > 0n)
    assert.equal(swapPaused, false)
    // Roles: the governance contract governs (the deployment handed every role over), the
    // deployer is the founding member; the KYC authority is the dev seed's.
    for (const name of ['nxm-token', 'membership', 'capital-pool', 'ramm']) {
      assert.ok(isAddressEqual(await read(name, 'governance'), address.governance), `${name}.governance`)
    }
    assert.ok(isAddressEqual(deployment.deployer, deployer.address))
    assert.equal(await read('membership', 'isMember', [deployer.address]), true)
    assert.ok(isAddressEqual(await read('membership', 'kycAuthority'), kyc.address))
    assert.ok(isAddressEqual(deployment.kycAuthority, kyc.address))
    assert.equal(await read('membership', 'joiningFee'), parseEther('0.002'))
    assert.equal(await read('nxm-token', 'isOperator', [address.ramm]), true)
  })

  test('joins as a member with a KYC approval', async () => {
    const fee = await read('membership', 'joiningFee')
    const count = await read('membership', 'memberCount')
    const nonce = freshNonce()
    const deadline = (await latestTimestamp()) + 3600n
    // The contract's digest is viem's EIP-712 hash of the same typed data.
    assert.equal(
      await read('membership', 'approvalDigest', [member.address, nonce, deadline]),
      hashTypedData(approvalTypedData(member.address, nonce, deadline)),
    )
    const signature = await approve(member.address, nonce, deadline)
    assert.equal(await read('membership', 'isMember', [member.address]), false)

    const { request, result } = await publicClient.simulateContract({
      account: member,
      address: address.membership,
      abi: abi.membership,
      functionName: 'join',
      args: [member.address, nonce, deadline, signature],
      value: fee,
    })
    assert.equal(result, undefined)
    const receipt = await send(member, request)
    assert.ok(receipt.logs.some((log) => isAddressEqual(log.address, address.membership)), 'MemberJoined')
    console.log(`  ${member.address} joined in block ${receipt.blockNumber}, ${receipt.gasUsed} gas`)

    assert.equal(await read('membership', 'isMember', [member.address]), true)
    assert.equal(await read('nxm-token', 'isMember', [member.address]), true)
    assert.equal(await read('membership', 'memberCount'), count + 1n)
    assert.ok((await read('membership', 'memberId', [member.address])) > 0n)

    // The same approval again: the address is a member already.
    const again = await revertOf(
      publicClient.simulateContract({
        account: member,
        address: address.membership,
        abi: abi.membership,
        functionName: 'join',
        args: [member.address, nonce, deadline, signature],
        value: fee,
      }),
    )
    assertError(again, 'AlreadyMember', [member.address])
  })

  test('a join without the KYC authority’s approval or fee is refused', async () => {
    const fee = await read('membership', 'joiningFee')
    const nonce = freshNonce()
    const deadline = (await latestTimestamp()) + 3600n
    const join = (signature, value) =>
      publicClient.simulateContract({
        account: outsider,
        address: address.membership,
        abi: abi.membership,
        functionName: 'join',
        args: [outsider.address, nonce, deadline, signature],
        value,
      })
    // Signed by the outsider itself: the recovered signer is not the KYC authority.
    const selfSigned = await approve(outsider.address, nonce, deadline, outsider)
    assertError(await revertOf(join(selfSigned, fee)), 'InvalidApprovalSigner', [
      outsider.address,
      kyc.address,
    ])
    // A valid approval with half the fee.
    const signature = await approve(outsider.address, nonce, deadline)
    assertError(await revertOf(join(signature, fee / 2n)), 'WrongJoiningFee', [fee / 2n, fee])
    assert.equal(await read('membership', 'isMember', [outsider.address]), false)
  })

  test('swaps ETH for NXM through the RAMM', async () => {
    const ethIn = parseEther('1')
    const quote = await read('ramm', 'quote', [ethIn, 0n])
    const [spotA0, , , , ethReserve0] = await read('ramm', 'state')
    const [poolValue0] = await read('capital-pool', 'poolState')
    const nxm0 = await read('nxm-token', 'balanceOf', [member.address])
    const supply0 = await read('nxm-token', 'totalSupply')
    const eth0 = await publicClient.getBalance({ address: member.address })
    assert.ok(quote > 0n)

    const minAmountOut = (quote * 99n) / 100n // 1 % slippage: prices move with the clock
    const deadline = (await latestTimestamp()) + 600n
    const { request, result } = await publicClient.simulateContract({
      account: member,
      address: address.ramm,
      abi: abi.ramm,
      functionName: 'swap',
      args: [0n, minAmountOut, deadline],
      value: ethIn,
    })
    assert.ok(result >= minAmountOut)
    const receipt = await send(member, request)

    const nxmOut = (await read('nxm-token', 'balanceOf', [member.address])) - nxm0
    console.log(
      `  ${formatEther(ethIn)} ETH → ${formatEther(nxmOut)} NXM (quoted ${formatEther(quote)}), ` +
        `${receipt.gasUsed} gas at ${formatGwei(receipt.effectiveGasPrice)} gwei`,
    )
    assert.ok(nxmOut >= minAmountOut && nxmOut <= (quote * 101n) / 100n, 'NXM out near the quote')
    assert.equal(await read('nxm-token', 'totalSupply'), supply0 + nxmOut)
    // The member paid the ETH and the gas; the ETH went to the capital pool.
    const eth1 = await publicClient.getBalance({ address: member.address })
    assert.equal(eth0 - eth1, ethIn + receipt.gasUsed * receipt.effectiveGasPrice)
    const [poolValue1] = await read('capital-pool', 'poolState')
    assert.equal(poolValue1, poolValue0 + ethIn)
    // A buy pays at least spot A (the price rises along the curve) and pushes spot A up.
    assert.ok((ethIn * 10n ** 18n) / nxmOut >= spotA0, 'average price ≥ spot A before')
    const [spotA1, , , , ethReserve1] = await read('ramm', 'state')
    assert.ok(spotA1 > spotA0, 'spot A rose')
    assert.ok(ethReserve1 > ethReserve0, 'the RAMM’s ETH reserve grew')
  })

  test('decodes the RAMM’s custom errors from reverts', async () => {
    const now = await latestTimestamp()
    const swap = (account, args, value, extra = {}) => ({
      account,
      address: address.ramm,
      abi: rammCallsAbi,
      functionName: 'swap',
      args,
      value,
      ...extra,
    })

    // simulateContract (eth_call): a deadline in the past.
    const expired = await revertOf(
      publicClient.simulateContract(swap(member, [0n, 0n, now - 1n], parseEther('0.1'))),
    )
    assert.equal(expired.errorName, 'SwapExpired')
    assert.equal(expired.args[0], now - 1n)
    assert.ok(expired.args[1] >= now, 'the block timestamp')

    // simulateContract: more out than the RAMM gives.
    const quote = await read('ramm', 'quote', [parseEther('0.1'), 0n])
    const greedy = await revertOf(
      publicClient.simulateContract(swap(member, [0n, quote * 2n, now + 600n], parseEther('0.1'))),
    )
    assert.equal(greedy.errorName, 'InsufficientAmountOut')
    assert.ok(greedy.args[0] > 0n && greedy.args[0] <= (quote * 101n) / 100n)
    assert.equal(greedy.args[1], quote * 2n)

    // writeContract (its gas estimate reverts): a non-member's swap, refused by the token's mint
    // inside the RAMM's call; the RAMM passes the token's revert data on.
    const outsiderNonce = await publicClient.getTransactionCount({ address: outsider.address })
    const notMember = await revertOf(
      walletFor(outsider).writeContract(swap(outsider, [0n, 0n, now + 600n], parseEther('0.1'))),
    )
    assertError(notMember, 'NotMember', [outsider.address])
    assert.equal(await publicClient.getTransactionCount({ address: outsider.address }), outsiderNonce)

    // The same without the token's errors in the ABI: viem has only the selector, and
    // decodeErrorResult with the token's ABI names it.
    let raw
    try {
      await publicClient.simulateContract({ ...swap(outsider, [0n, 0n, now + 600n], parseEther('0.1')), abi: abi.ramm })
      assert.fail('the swap should revert')
    } catch (e) {
      const revert = e.walk((x) => x instanceof ContractFunctionRevertedError)
      assert.equal(revert?.data, undefined)
      raw = revert.raw
    }
    assertError(decodeErrorResult({ abi: abi['nxm-token'], data: raw }), 'NotMember', [outsider.address])
  })

  test('a reverted transaction is mined as reverted and its error decodes from a replay', async () => {
    const [, , , , ethReserve0] = await read('ramm', 'state')
    const deadline = (await latestTimestamp()) - 1n
    // An explicit gas limit: no estimate, so the transaction is sent and mined.
    const hash = await walletFor(member).writeContract({
      address: address.ramm,
      abi: abi.ramm,
      functionName: 'swap',
      args: [0n, 0n, deadline],
      value: parseEther('0.1'),
      gas: 1_000_000n,
    })
    const receipt = await publicClient.waitForTransactionReceipt({ hash })
    assert.equal(receipt.status, 'reverted')
    assert.ok(receipt.gasUsed > 21_000n && receipt.gasUsed < 1_000_000n)
    const [, , , , ethReserve1] = await read('ramm', 'state')
    assert.equal(ethReserve1, ethReserve0, 'nothing changed')
    // Replaying the transaction (eth_call of the same request) gives the revert's data.
    const tx = await publicClient.getTransaction({ hash })
    assert.equal(tx.input, encodeFunctionData({ abi: abi.ramm, functionName: 'swap', args: [0n, 0n, deadline] }))
    const replay = await revertOf(
      publicClient.simulateContract({
        account: member,
        address: address.ramm,
        abi: abi.ramm,
        functionName: 'swap',
        args: [0n, 0n, deadline],
        value: tx.value,
      }),
    )
    assert.equal(replay.errorName, 'SwapExpired')
  })

  test('an approval expires with time (evm_increaseTime), undone by evm_revert', async () => {
    const fee = await read('membership', 'joiningFee')
    const block0 = await publicClient.getBlock()
    const nonce = freshNonce()
    const deadline = block0.timestamp + 60n
    const signature = await approve(outsider.address, nonce, deadline)
    const join = () =>
      publicClient.simulateContract({
        account: outsider,
        address: address.membership,
        abi: abi.membership,
        functionName: 'join',
        args: [outsider.address, nonce, deadline, signature],
        value: fee,
      })
    await join() // valid now

    const snapshot = await testClient.snapshot()
    await testClient.increaseTime({ seconds: 120 })
    await testClient.mine({ blocks: 1 })
    const block1 = await publicClient.getBlock()
    assert.ok(block1.timestamp >= block0.timestamp + 120n)
    const expired = await revertOf(join())
    assert.equal(expired.errorName, 'ApprovalExpired')
    assert.equal(expired.args[0], deadline)
    assert.ok(expired.args[1] >= block1.timestamp)

    await testClient.revert({ id: snapshot })
    assert.equal(await publicClient.getBlockNumber(), block0.number)
    // Back before the deadline (the clock's offset is restored with the chain).
    const { request } = await join()
    await send(outsider, request)
    assert.equal(await read('membership', 'isMember', [outsider.address]), true)
  })
})
