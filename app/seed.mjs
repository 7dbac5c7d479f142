// Seeds a fresh devnet deployment with what the deployer does not create: a staking pool that
// underwrites the catalogue's products. A dev account (the node's dev account 9) joins with a
// KYC approval, receives NXM from the founder, creates pool 1 (public, fee 10 %, max 20 %,
// products 0 and 1 at weights 100 and 50, target price 2 %) and stakes the NXM two tranches
// ahead.
//
//   MUTUAL_DEPLOYMENT, MUTUAL_RPC_URL, MUTUAL_KYC_DEV_SEED (or MUTUAL_KYC_KEY): as kyc-signer.mjs
//   SEED_STAKE_NXM  the pool's stake (default 2000)
import { readFileSync } from 'node:fs'
import { createPublicClient, createWalletClient, defineChain, formatEther, getAddress, http, parseEther } from 'viem'
import { approve, kycAuthority } from './kyc.mjs'

const deployment = JSON.parse(readFileSync(process.env.MUTUAL_DEPLOYMENT, 'utf8'))
const rpcUrl = process.env.MUTUAL_RPC_URL ?? 'http://127.0.0.1:8547'
const abiDir = new URL('../deploy/abi/', import.meta.url)
const abiOf = (pkg) => JSON.parse(readFileSync(new URL(`${pkg}.json`, abiDir), 'utf8'))
const address = Object.fromEntries(deployment.contracts.map((c) => [c.name, getAddress(c.address)]))
const chain = defineChain({
  id: deployment.chainId,
  name: 'devnet',
  nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
  rpcUrls: { default: { http: [rpcUrl] } },
})
const client = createPublicClient({ chain, transport: http(rpcUrl), pollingInterval: 50 })
const read = (name, pkg, functionName, args = []) =>
  client.readContract({ address: address[name], abi: abiOf(pkg), functionName, args })

const [manager] = (await client.request({ method: 'eth_accounts' })).slice(9)
if (!manager) throw new Error('seed: the node has no dev account 9')

/** Sends `functionName` as `from` (a dev account: the node signs), once its simulation passes. */
async function send(name, pkg, functionName, args, value = 0n, from = manager) {
  const request = { account: from, address: address[name], abi: abiOf(pkg), functionName, args, value, chain }
  const { result } = await client.simulateContract(request)
  const gas = await client.estimateContractGas(request)
  const wallet = createWalletClient({ account: from, chain, transport: http(rpcUrl) })
  const hash = await wallet.writeContract({ ...request, gas: (gas * 5n) / 4n })
  const receipt = await client.waitForTransactionReceipt({ hash })
  if (receipt.status !== 'success') throw new Error(`seed: ${functionName} reverted (${hash})`)
  return result
}

if ((await read('staking-pool', 'staking-pool', 'poolCount')) > 0n) {
  console.log('seed: the deployment has a staking pool already; nothing to do')
  process.exit(0)
}
const now = async () => (await client.getBlock()).timestamp
if (!(await read('membership', 'membership', 'isMember', [manager]))) {
  const approval = await approve(kycAuthority(), deployment, manager, await now())
  const fee = await read('membership', 'membership', 'joiningFee')
  await send('membership', 'membership', 'join', [manager, approval.nonce, approval.deadline, approval.signature], fee)
}
// The founder (the deployer, which holds the genesis supply) gives the manager its stake: a
// purchase of this size would move the small local RAMM's price far from book value.
const founder = getAddress(deployment.deployer)
const stake = parseEther(process.env.SEED_STAKE_NXM ?? '2000')
await send('nxm-token', 'nxm-token', 'transfer', [manager, stake], 0n, founder)
const products = [
  [0n, 100n, 200n],
  [1n, 50n, 200n],
]
const poolId = await send('pool-registry', 'pool-registry', 'createPool', [false, 10n, 20n, products, 'ipfs://seed-pool'])
const daySecs = await read('governance', 'governance', 'daySecs')
const tranche = (await now()) / (91n * daySecs) + 2n
const tokenId = await send('staking-pool', 'staking-pool', 'depositTo', [poolId, stake, tranche, 0n, manager])
console.log(
  `seed: ${manager} joined, got ${formatEther(stake)} NXM from the founder, created pool ${poolId} ` +
    `and staked it all in tranche ${tranche} (position ${tokenId})`,
)
