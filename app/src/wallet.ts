// Accounts and transactions: an injected EIP-1193 wallet when the browser has one, else the
// node's dev accounts (eth_accounts; the node signs their eth_sendTransaction). Every
// transaction is simulated first, so a revert is shown decoded before anything is signed, sent
// with 25 % above the node's gas estimate (as wallets do: the gas of a swap depends on the
// time since the RAMM's last update), and followed to its receipt in the activity list.
import {
  BaseError,
  ContractFunctionRevertedError,
  createWalletClient,
  custom,
  decodeErrorResult,
  http,
  type Address,
  type Hash,
  type WalletClient,
} from 'viem'
import { allErrors, type ContractName, type Mutual } from './contracts'
import { revertInWords } from './format'
import { h } from './ui'

declare global {
  interface Window {
    ethereum?: { request(args: { method: string; params?: unknown[] }): Promise<unknown> }
  }
}

export type AccountSource = 'injected' | 'dev'

export interface Call {
  contract: ContractName
  functionName: string
  args?: readonly unknown[]
  value?: bigint
}

/** What the activity list shows of one transaction. */
type Stage = 'checking' | 'signing' | 'pending' | 'confirmed' | 'failed'

export class Wallet {
  account: Address | undefined
  source: AccountSource = 'dev'
  private client: WalletClient | undefined
  private listeners: (() => void)[] = []

  constructor(
    private readonly mutual: Mutual,
    private readonly activity: HTMLElement,
  ) {}

  /** The accounts one can choose: the injected wallet's, else the node's dev accounts. */
  async accounts(): Promise<{ source: AccountSource; accounts: Address[] }> {
    if (window.ethereum) {
      const accounts = (await window.ethereum.request({ method: 'eth_requestAccounts' })) as Address[]
      return { source: 'injected', accounts }
    }
    const accounts = (await this.mutual.publicClient.request({ method: 'eth_accounts' } as never)) as Address[]
    return { source: 'dev', accounts }
  }

  /** Makes `account` (of `source`) the one that signs. */
  use(account: Address, source: AccountSource) {
    this.account = account
    this.source = source
    const transport = source === 'injected' && window.ethereum ? custom(window.ethereum) : http(this.mutual.config.rpcUrl)
    this.client = createWalletClient({ account, chain: this.mutual.chain, transport })
    this.changed()
  }

  /** Called after every account change and every mined transaction. */
  onChange(listener: () => void) {
    this.listeners.push(listener)
  }

  changed() {
    for (const listener of this.listeners) listener()
  }

  /**
   * Sends `call` as the current account, showing its progress under `label`; resolves to the
   * receipt of a successful transaction, or to undefined after showing why it failed.
   */
  async send(label: string, call: Call) {
    const row = this.row(label)
    try {
      const account = this.account
      if (!account || !this.client) throw new Error('choose an account first')
      const { publicClient } = this.mutual
      const request = {
        account,
        address: this.mutual.address(call.contract),
        abi: this.mutual.abi(call.contract),
        functionName: call.functionName,
        args: call.args ?? [],
        value: call.value,
        chain: this.mutual.chain,
      }
      row.stage('checking')
      if (this.source === 'injected') await this.ensureChain()
      await publicClient.simulateContract(request as never)
      const gas = await publicClient.estimateContractGas(request as never)
      row.stage('signing')
      const hash: Hash = await this.client.writeContract({ ...request, gas: (gas * 5n) / 4n } as never)
      row.stage('pending', hash)
      const receipt = await publicClient.waitForTransactionReceipt({ hash })
      if (receipt.status !== 'success') {
        throw new Error(`reverted in block ${receipt.blockNumber}: ${await this.replay(hash)}`)
      }
      row.stage('confirmed', `block ${receipt.blockNumber}, ${receipt.gasUsed.toLocaleString('en')} gas`)
      this.changed()
      return receipt
    } catch (error) {
      row.stage('failed', explain(error))
      return undefined
    }
  }

  /**
   * Puts the injected wallet on the deployment's chain: `wallet_switchEthereumChain`, and
   * `wallet_addEthereumChain` first when the wallet does not know it (EIP-3326's 4902).
   */
  private async ensureChain() {
    const ethereum = window.ethereum!
    const chainId = `0x${this.mutual.chain.id.toString(16)}`
    if ((await ethereum.request({ method: 'eth_chainId' })) === chainId) return
    try {
      await ethereum.request({ method: 'wallet_switchEthereumChain', params: [{ chainId }] })
    } catch (error) {
      if ((error as { code?: number }).code !== 4902) throw error
      await ethereum.request({
        method: 'wallet_addEthereumChain',
        params: [{ chainId, chainName: this.mutual.chain.name, nativeCurrency: this.mutual.chain.nativeCurrency, rpcUrls: [this.mutual.config.rpcUrl] }],
      })
    }
  }

  /** Why a mined transaction reverted: its replay's decoded error. */
  private async replay(hash: Hash): Promise<string> {
    const tx = await this.mutual.publicClient.getTransaction({ hash })
    try {
      await this.mutual.publicClient.call({ account: tx.from, to: tx.to, data: tx.input, value: tx.value, gas: tx.gas })
      return 'out of gas, or the state changed since'
    } catch (error) {
      return explain(error)
    }
  }

  private row(label: string) {
    const stageEl = h('span', { class: 'stage' })
    const detail = h('span', { class: 'detail' })
    const row = h('li', { class: 'tx' }, h('span', { class: 'label' }, label), stageEl, detail)
    this.activity.prepend(row)
    return {
      stage(stage: Stage, text = '') {
        row.dataset.stage = stage
        stageEl.textContent = { checking: 'checking…', signing: 'signing…', pending: 'pending…', confirmed: 'confirmed', failed: 'failed' }[stage]
        detail.textContent = text
      },
    }
  }
}

/** A failure in words: the decoded custom error of a revert, else the client's short message. */
export function explain(error: unknown): string {
  if (error instanceof BaseError) {
    const revert = error.walk((e) => e instanceof ContractFunctionRevertedError) as ContractFunctionRevertedError | null
    if (revert?.data?.abiItem && 'inputs' in revert.data.abiItem) {
      return revertInWords(revert.data.errorName, revert.data.abiItem.inputs, revert.data.args ?? [])
    }
    const raw = revert?.raw ?? findData(error)
    if (raw && raw.length >= 10) {
      try {
        const decoded = decodeErrorResult({ abi: allErrors, data: raw })
        return revertInWords(decoded.errorName, decoded.abiItem.inputs, decoded.args ?? [])
      } catch {
        return `reverted with unknown data ${raw.slice(0, 10)}…`
      }
    }
    return error.shortMessage
  }
  return error instanceof Error ? error.message : String(error)
}

/** Revert data anywhere in a viem error's cause chain. */
function findData(error: BaseError): `0x${string}` | undefined {
  let found: `0x${string}` | undefined
  error.walk((e) => {
    const data = (e as { data?: unknown }).data
    if (typeof data === 'string' && data.startsWith('0x')) found = data as `0x${string}`
    return false
  })
  return found
}
