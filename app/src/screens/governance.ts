// Governance: the member's locked NXM (its voting weight), proposals with their tallies and
// status, votes, execution, and a proposal of any action on a protocol contract, built from
// that contract's exported ABI (function chosen by name, arguments as JSON).
import { decodeFunctionData, encodeFunctionData, parseEther, type AbiFunction, type Address, type Hex } from 'viem'
import { abis, packageOf } from '../contracts'
import { eth, nxm, short, time } from '../format'
import { button, facts, field, fill, h, input, select, table } from '../ui'
import { explain } from '../wallet'
import { ids, type Context, type Screen } from './context'

/** governance's `proposalStatus` values, in words. */
const STATUS = ['voting', 'defeated', 'timelocked', 'executable', 'vetoed', 'executed'] as const
const VOTING = 0
const EXECUTABLE = 3

export function governanceScreen(ctx: Context): Screen {
  const mine = h('div', { 'data-testid': 'my-lock' })
  const lockAmount = input({ inputmode: 'decimal', placeholder: '100' })
  const list = h('div', { 'data-testid': 'proposals' })
  const target = select(ctx.mutual.config.deployment.contracts.map((c) => [c.name, c.name]))
  const fn = select([])
  const args = input({ value: '[]' })
  const valueEth = input({ inputmode: 'decimal', value: '0' })
  const description = input({ value: 'ipfs://proposal' })
  const proposeNote = h('div', { 'aria-live': 'polite' })
  const el = h(
    'section',
    {},
    mine,
    h(
      'form',
      { class: 'form', onsubmit: (e: Event) => e.preventDefault() },
      field('Lock amount (NXM)', lockAmount),
      button('Lock NXM', () => void lock()),
      button('Unlock NXM', () => void unlock()),
    ),
    h('h3', {}, 'Proposals'),
    list,
    h('h3', {}, 'Propose'),
    h(
      'form',
      { class: 'form', onsubmit: (e: Event) => e.preventDefault() },
      field('Target contract', target),
      field('Function', fn),
      field('Arguments (JSON array)', args),
      field('Value (ETH)', valueEth),
      field('Description URI', description),
      proposeNote,
      button('Propose', () => void propose()),
    ),
  )

  const functionsOf = (name: string) =>
    (abis[packageOf(name)] ?? []).filter(
      (item): item is AbiFunction => item.type === 'function' && item.stateMutability !== 'view' && item.stateMutability !== 'pure',
    )
  const signature = (f: AbiFunction) => `${f.name}(${f.inputs.map((i) => `${i.type}${i.name ? ` ${i.name}` : ''}`).join(', ')})`
  function listFunctions() {
    fill(fn, ...functionsOf(target.value).map((f, i) => h('option', { value: String(i) }, signature(f))))
  }
  target.addEventListener('change', listFunctions)
  listFunctions()

  const amountOf = (text: string) => parseEther(text.trim() || '0')
  const lock = () => {
    const amountNxm = amountOf(lockAmount.value)
    return ctx.wallet.send(`Lock ${nxm(amountNxm)}`, { contract: 'governance', functionName: 'lock', args: [amountNxm] })
  }
  const unlock = () => {
    const amountNxm = amountOf(lockAmount.value)
    return ctx.wallet.send(`Unlock ${nxm(amountNxm)}`, { contract: 'governance', functionName: 'unlock', args: [amountNxm] })
  }

  async function propose() {
    try {
      const abiFunction = functionsOf(target.value)[Number(fn.value)]
      if (!abiFunction) throw new Error('choose a function')
      const parsed = JSON.parse(args.value || '[]')
      if (!Array.isArray(parsed)) throw new Error('the arguments must be a JSON array')
      // Integers may be given as numbers or strings; uint/int parameters become bigints.
      const values = abiFunction.inputs.map((p, i) => (/^u?int/.test(p.type) ? BigInt(parsed[i]) : parsed[i]))
      const data = encodeFunctionData({ abi: [abiFunction], functionName: abiFunction.name, args: values })
      const to = ctx.mutual.addresses[target.value] as Address
      fill(proposeNote)
      await ctx.wallet.send(`Propose ${target.value}.${abiFunction.name}`, {
        contract: 'governance',
        functionName: 'propose',
        args: [[[to, amountOf(valueEth.value), data]], description.value],
      })
    } catch (error) {
      fill(proposeNote, h('span', { class: 'error' }, explain(error)))
    }
  }

  /** An action as `contract.function(args)`, decoded with the target's ABI where it can be. */
  function describe(names: Record<string, string>, to: string, value: bigint, data: Hex) {
    const name = names[to.toLowerCase()]
    let call = data.slice(0, 10)
    try {
      const decoded = decodeFunctionData({ abi: abis[packageOf(name ?? '')] ?? [], data })
      call = `${decoded.functionName}(${(decoded.args ?? []).map(String).join(', ')})`
    } catch {
      // not a function of the target's ABI: its selector
    }
    return `${name ?? short(to)}.${call}${value ? ` + ${eth(value)}` : ''}`
  }

  const vote = (id: bigint, support: boolean) =>
    ctx.wallet.send(`Vote ${support ? 'for' : 'against'} proposal ${id}`, { contract: 'governance', functionName: 'vote', args: [id, support] })
  const execute = (id: bigint) => ctx.wallet.send(`Execute proposal ${id}`, { contract: 'governance', functionName: 'execute', args: [id] })

  return {
    id: 'governance',
    title: 'Governance',
    el,
    async refresh() {
      const m = ctx.mutual
      const account = ctx.wallet.account
      const now = await ctx.now()
      const count = await m.read<bigint>('governance', 'proposalCount')
      const names = Object.fromEntries(Object.entries(m.addresses).map(([name, at]) => [at.toLowerCase(), name]))
      const rows = await Promise.all(
        ids(count).map(async (id) => {
          const [[proposer, , endSecs, forNxm, againstNxm, special, vetoes, supplyNxm], status, [actionCount, uri], receipt] = await Promise.all([
            m.read<readonly [string, bigint, bigint, bigint, bigint, boolean, number, bigint]>('governance', 'proposal', [id]),
            m.read<number>('governance', 'proposalStatus', [id]),
            m.read<readonly [bigint, string]>('governance', 'proposalDetails', [id]),
            account ? m.read<readonly [boolean, boolean, bigint]>('governance', 'receipt', [id, account]) : ([false, false, 0n] as const),
          ])
          const actions = await Promise.all(
            ids(actionCount, 0n).map((index) => m.read<readonly [string, bigint, string]>('governance', 'action', [id, index])),
          )
          const [voted, support] = receipt
          const controls =
            status === VOTING && !voted
              ? h('span', {}, button('Vote for', () => void vote(id, true)), ' ', button('Vote against', () => void vote(id, false)))
              : status === EXECUTABLE
                ? button('Execute', () => void execute(id))
                : voted
                  ? `you voted ${support ? 'for' : 'against'}`
                  : ''
          return [
            id.toString(),
            `${uri}: ${actions.map(([to, value, data]) => describe(names, to, value, data as Hex)).join('; ')}`,
            short(proposer),
            special ? 'special (75 %)' : 'ordinary (50 %)',
            `${nxm(forNxm, 0)} for / ${nxm(againstNxm, 0)} against of ${nxm(supplyNxm, 0)}${vetoes ? `, ${vetoes} vetoes` : ''}`,
            endSecs > now ? `ends ${time(endSecs)}` : `ended ${time(endSecs)}`,
            h('span', { 'data-testid': `proposal-${id}-status` }, STATUS[status] ?? `status ${status}`),
            controls,
          ]
        }),
      )
      fill(list, table(['Id', 'Description and actions', 'Proposer', 'Kind', 'Tally', 'Vote', 'Status', ''], rows.reverse(), 'No proposal yet.'))
      if (!account) return fill(mine)
      const [[lockedNxm, lockedUntil], balance] = await Promise.all([
        m.read<readonly [bigint, bigint]>('governance', 'locked', [account]),
        m.read<bigint>('nxm-token', 'balanceOf', [account]),
      ])
      fill(
        mine,
        facts([
          ['Locked', h('span', { 'data-testid': 'locked-nxm' }, nxm(lockedNxm))],
          ['Locked until', lockedUntil > now ? time(lockedUntil) : 'free to unlock'],
          ['Your NXM', nxm(balance)],
        ]),
      )
    },
  }
}
