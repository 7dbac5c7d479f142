// The mutual on one node: its deployment record and the exported ABIs, the clients the app
// reads and writes with, and every custom error any contract can revert with.
import {
  createPublicClient,
  defineChain,
  getAddress,
  http,
  type Abi,
  type AbiEvent,
  type Address,
  type PublicClient,
} from 'viem'

/** One `error` item of an ABI. */
type AbiError = Extract<Abi[number], { type: 'error' }>

/** Each contract's JSON ABI as scripts/export-abi.sh writes it (deploy/abi/<package>.json). */
const abiFiles = import.meta.glob('../../deploy/abi/*.json', { eager: true, import: 'default' }) as Record<
  string,
  Abi
>
export const abis: Record<string, Abi> = Object.fromEntries(
  Object.entries(abiFiles).map(([path, abi]) => [path.replace(/^.*\/(.*)\.json$/, '$1'), abi]),
)

/** Event `name` of package `pkg`'s exported ABI. */
export function eventOf(pkg: string, name: string): AbiEvent {
  const item = abis[pkg]?.find((i): i is AbiEvent => i.type === 'event' && i.name === name)
  if (!item) throw new Error(`deploy/abi/${pkg}.json has no event ${name}`)
  return item
}

/** The contracts the app uses, by the package names of the deployment record. */
export type ContractName =
  | 'nxm-token'
  | 'membership'
  | 'capital-pool'
  | 'ramm'
  | 'cover'
  | 'cover-viewer'
  | 'cover-products'
  | 'cover-nft'
  | 'staking-pool'
  | 'staking-products'
  | 'staking-viewer'
  | 'stake-nft'
  | 'pool-registry'
  | 'claims'
  | 'assessment'
  | 'governance'

/** The deployer's record (`deploy --out FILE`). */
export interface Deployment {
  chainId: number
  complete: boolean
  kycAuthority: Address
  contracts: { name: string; address: Address; package?: string }[]
}

export interface AppConfig {
  rpcUrl: string
  kycUrl: string
  devMethods: boolean
  deployment: Deployment
}

/** The package of a deployment name: the two NFT deployments are both position-nft. */
export const packageOf = (name: string) => (name === 'cover-nft' || name === 'stake-nft' ? 'position-nft' : name)

/**
 * Every error of every contract, once per selector: a contract passes a callee's revert data on
 * as it is (the RAMM a token's `NotMember`, the cover contract a staking pool's), so a revert
 * decodes against all of them.
 */
export const allErrors: AbiError[] = (() => {
  const seen = new Map<string, AbiError>()
  for (const abi of Object.values(abis)) {
    for (const item of abi) {
      if (item.type !== 'error') continue
      const key = `${item.name}(${item.inputs.map((i) => i.type).join(',')})`
      if (!seen.has(key)) seen.set(key, item)
    }
  }
  return [...seen.values()]
})()

export class Mutual {
  readonly chain
  readonly publicClient: PublicClient
  readonly addresses: Record<string, Address>

  constructor(readonly config: AppConfig) {
    const { deployment } = config
    this.chain = defineChain({
      id: deployment.chainId,
      name: `Mutual chain ${deployment.chainId}`,
      nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 },
      rpcUrls: { default: { http: [config.rpcUrl] } },
    })
    // A dev node mines at once: poll receipts every 100 ms, not viem's 4 s.
    this.publicClient = createPublicClient({ chain: this.chain, transport: http(config.rpcUrl), pollingInterval: 100 })
    this.addresses = Object.fromEntries(deployment.contracts.map((c) => [c.name, getAddress(c.address)]))
  }

  address(name: ContractName): Address {
    const at = this.addresses[name]
    if (!at) throw new Error(`the deployment has no ${name}`)
    return at
  }

  /** The contract's ABI with every protocol error, so that any revert through it decodes. */
  abi(name: ContractName): Abi {
    const abi = abis[packageOf(name)]
    if (!abi) throw new Error(`no ABI for ${name} in deploy/abi`)
    return [...abi.filter((item) => item.type !== 'error'), ...allErrors]
  }

  /** A view of `name`. */
  read<T = unknown>(name: ContractName, functionName: string, args: readonly unknown[] = []): Promise<T> {
    return this.publicClient.readContract({
      address: this.address(name),
      abi: this.abi(name),
      functionName,
      args,
    }) as Promise<T>
  }
}

export async function loadConfig(): Promise<AppConfig> {
  const response = await fetch('/config.json')
  if (!response.ok) throw new Error(`/config.json: ${response.status}`)
  return response.json()
}
