// The member app's shell: the account bar (choose an account, membership, balances, join with a
// KYC approval), devnet time travel when the node has the dev methods, the screens as tabs, and
// the activity list of transactions.
import { getAddress, type Address } from 'viem'
import './style.css'
import { loadConfig, Mutual } from './contracts'
import { duration, eth, nxm } from './format'
import { button, facts, fill, h, select } from './ui'
import { explain, Wallet } from './wallet'
import type { Context, Screen } from './screens/context'
import { poolScreen } from './screens/pool'
import { swapScreen } from './screens/swap'
import { coverScreen } from './screens/cover'
import { stakingScreen } from './screens/staking'
import { positionsScreen } from './screens/positions'
import { claimsScreen } from './screens/claims'
import { governanceScreen } from './screens/governance'

async function main() {
  const root = document.getElementById('app')!
  const config = await loadConfig()
  const mutual = new Mutual(config)
  const activity = h('ol', { class: 'activity', 'data-testid': 'activity' })
  const wallet = new Wallet(mutual, activity)
  const daySecs = await mutual.read<bigint>('governance', 'daySecs')
  const ctx: Context = {
    mutual,
    wallet,
    daySecs,
    now: async () => (await mutual.publicClient.getBlock({ blockTag: 'latest' })).timestamp,
  }

  const screens: Screen[] = [
    poolScreen(ctx),
    swapScreen(ctx),
    coverScreen(ctx),
    stakingScreen(ctx),
    positionsScreen(ctx),
    claimsScreen(ctx),
    governanceScreen(ctx),
  ]
  let current = screens[0]
  const status = h('div', { class: 'status', 'aria-live': 'polite' })
  const nav = h('nav', {}, ...screens.map((s) => button(s.title, () => void show(s), { 'data-screen': s.id })))
  const main = h('main', {})

  async function show(screen: Screen) {
    current = screen
    for (const b of nav.querySelectorAll('button')) b.classList.toggle('active', b.dataset.screen === screen.id)
    fill(main, h('h2', {}, screen.title), screen.el)
    await refresh()
  }

  // `data-busy` is on <body> while the app reads the chain or moves its clock (tests wait for
  // it to go); it is set before the first await, so a click's work is marked at once.
  let busyCount = 0
  async function busy(work: () => Promise<void>) {
    document.body.dataset.busy = String(++busyCount)
    try {
      await work()
    } finally {
      if (--busyCount === 0) delete document.body.dataset.busy
      else document.body.dataset.busy = String(busyCount)
    }
  }

  const refresh = () =>
    busy(async () => {
      try {
        await Promise.all([current.refresh(), refreshAccount()])
        fill(status)
      } catch (error) {
        fill(status, h('span', { class: 'error' }, explain(error)))
      }
    })

  // Accounts.
  const accountSelect = select([], { 'aria-label': 'Account' })
  const accountInfo = h('div', { 'data-testid': 'account' })
  const { source, accounts } = await wallet.accounts()
  fill(accountSelect, ...accounts.map((a: Address, i) => h('option', { value: getAddress(a) }, `${source === 'dev' ? `dev ${i}` : 'wallet'}: ${a}`)))
  accountSelect.addEventListener('change', () => wallet.use(accountSelect.value as Address, source))

  async function refreshAccount() {
    const account = wallet.account
    if (!account) return fill(accountInfo, 'No account.')
    accountInfo.dataset.address = account
    const [member, ethBalance, nxmBalance] = await Promise.all([
      mutual.read<boolean>('membership', 'isMember', [account]),
      mutual.publicClient.getBalance({ address: account }),
      mutual.read<bigint>('nxm-token', 'balanceOf', [account]),
    ])
    fill(
      accountInfo,
      facts([
        ['Membership', h('span', { 'data-testid': 'membership' }, member ? 'member' : 'not a member')],
        ['ETH', h('span', { 'data-testid': 'eth-balance' }, eth(ethBalance))],
        ['NXM', h('span', { 'data-testid': 'nxm-balance' }, nxm(nxmBalance))],
      ]),
      member ? null : button('Join the mutual', () => void join()),
    )
  }

  async function join() {
    const account = wallet.account
    if (!account) return
    let approval: { nonce: string; deadline: string; signature: `0x${string}`; error?: string }
    try {
      const response = await fetch(config.kycUrl + '/approve', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ member: account }),
      })
      approval = await response.json()
      if (!response.ok) throw new Error(`the KYC signer refused: ${approval.error}`)
    } catch (error) {
      return fill(status, h('span', { class: 'error' }, explain(error)))
    }
    const fee = await mutual.read<bigint>('membership', 'joiningFee')
    await wallet.send(`Join (fee ${eth(fee)})`, {
      contract: 'membership',
      functionName: 'join',
      args: [account, BigInt(approval.nonce), BigInt(approval.deadline), approval.signature],
      value: fee,
    })
  }

  // Devnet time travel (anvil's evm_increaseTime, then a block at the new time).
  const clock = h('span', { 'data-testid': 'chain-time' })
  const travel = (days: bigint) =>
    busy(async () => {
      await mutual.publicClient.request({ method: 'evm_increaseTime', params: [Number(days * daySecs)] } as never)
      await mutual.publicClient.request({ method: 'evm_mine', params: [] } as never)
      await refresh()
    })
  const devTools = config.devMethods
    ? h(
        'div',
        { class: 'devtools' },
        'Devnet: ',
        clock,
        ' ',
        button('+1 day', () => void travel(1n)),
        button('+4 days', () => void travel(4n)),
        button('+30 days', () => void travel(30n)),
      )
    : null

  root.replaceChildren(
    h(
      'header',
      {},
      h('h1', {}, 'Mutual'),
      h('div', { class: 'chain' }, `chain ${config.deployment.chainId} · ${config.rpcUrl} · a day is ${duration(daySecs)}`),
      h('div', { class: 'accounts' }, accountSelect, accountInfo),
      devTools,
    ),
    nav,
    status,
    main,
    h('aside', {}, h('h3', {}, 'Activity'), activity),
  )
  setInterval(async () => {
    clock.textContent = new Date(Number(await ctx.now()) * 1000).toISOString().replace('T', ' ').slice(0, 19) + ' UTC'
  }, 1000)
  // The first account is chosen before the listener is added: show() reads the chain once.
  if (accounts[0]) wallet.use(getAddress(accounts[0]), source)
  wallet.onChange(() => void refresh())
  await show(current)
}

main().catch((error) => {
  document.getElementById('app')!.textContent = `The app could not start: ${explain(error)}`
})
