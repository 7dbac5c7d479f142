// Pool state: the RAMM's spot prices, book value, the capital pool's capital and MCR, and a chart
// of the prices and MCR% over the chain's history, rebuilt from the contracts' events alone:
// the swaps' reserves give the spot prices; the capital pool's ETH moves only as its events
// say (Deposit in; SwapPaid, ClaimPaid, TreasuryTransfer out), and the MCR is the floor
// (McrFloorSet) until McrUpdated moves it.
import uPlot from 'uplot'
import 'uplot/dist/uPlot.min.css'
import type { AbiEvent, Log } from 'viem'
import { eventOf } from '../contracts'
import { bps, eth, nxm, price, time } from '../format'
import { facts, fill, h } from '../ui'
import type { Context, Screen } from './context'

const WAD = 10n ** 18n
const events = {
  bought: eventOf('ramm', 'EthSwappedForNxm'),
  sold: eventOf('ramm', 'NxmSwappedForEth'),
  deposit: eventOf('capital-pool', 'Deposit'),
  swapPaid: eventOf('capital-pool', 'SwapPaid'),
  claimPaid: eventOf('capital-pool', 'ClaimPaid'),
  treasury: eventOf('capital-pool', 'TreasuryTransfer'),
  mcr: eventOf('capital-pool', 'McrUpdated'),
  floor: eventOf('capital-pool', 'McrFloorSet'),
}

/** One point of the chart per block with a relevant event. */
interface Point {
  block: bigint
  buyWad?: number
  sellWad?: number
  mcrPercent?: number
}

export function poolScreen(ctx: Context): Screen {
  const summary = h('div', { 'data-testid': 'pool-summary' })
  const chartEl = h('div', { class: 'chart', 'data-testid': 'pool-chart' })
  const chartNote = h('p', { class: 'note' })
  const el = h('section', {}, summary, h('h3', {}, 'Price and MCR% over time'), chartEl, chartNote)
  let plot: uPlot | undefined

  async function history(): Promise<Point[]> {
    const client = ctx.mutual.publicClient
    const ramm = ctx.mutual.address('ramm')
    const pool = ctx.mutual.address('capital-pool')
    const get = (address: `0x${string}`, event: AbiEvent) =>
      client.getLogs({ address, event, fromBlock: 0n, toBlock: 'latest' } as never) as Promise<Log[]>
    const [bought, sold, deposits, swapPaid, claimPaid, treasury, mcr, floor] = await Promise.all([
      get(ramm, events.bought),
      get(ramm, events.sold),
      get(pool, events.deposit),
      get(pool, events.swapPaid),
      get(pool, events.claimPaid),
      get(pool, events.treasury),
      get(pool, events.mcr),
      get(pool, events.floor),
    ])
    type Entry = { block: bigint; index: number; apply: (s: State) => void }
    type State = { capital: bigint; mcr: bigint; floor: bigint; buy?: number; sell?: number }
    const args = (log: Log) => (log as unknown as { args: Record<string, bigint> }).args
    const entries: Entry[] = []
    const add = (logs: Log[], apply: (s: State, a: Record<string, bigint>) => void) => {
      for (const log of logs) entries.push({ block: log.blockNumber!, index: log.logIndex!, apply: (s) => apply(s, args(log)) })
    }
    const spot = (s: State, a: Record<string, bigint>) => {
      s.buy = Number((a.ethReserve * WAD) / a.nxmReserveA) / 1e18
      s.sell = Number((a.ethReserve * WAD) / a.nxmReserveB) / 1e18
    }
    add(bought, spot)
    add(sold, spot)
    add(deposits, (s, a) => (s.capital += a.amountEth))
    for (const logs of [swapPaid, claimPaid, treasury]) add(logs, (s, a) => (s.capital -= a.amountEth))
    add(mcr, (s, a) => (s.mcr = a.mcrEth))
    add(floor, (s, a) => (s.floor = a.mcrFloorEth))
    // The MCR starts at the floor; McrUpdated moves it (never below the floor).
    const mcrOf = (s: State) => (s.mcr > s.floor ? s.mcr : s.floor)
    entries.sort((x, y) => (x.block === y.block ? x.index - y.index : x.block < y.block ? -1 : 1))
    const state: State = { capital: 0n, mcr: 0n, floor: 0n }
    const points: Point[] = []
    for (const entry of entries) {
      entry.apply(state)
      const point: Point = {
        block: entry.block,
        buyWad: state.buy,
        sellWad: state.sell,
        mcrPercent: mcrOf(state) > 0n ? Number((state.capital * 10_000n) / mcrOf(state)) / 100 : undefined,
      }
      if (points.length && points[points.length - 1].block === entry.block) points[points.length - 1] = point
      else points.push(point)
    }
    return points
  }

  function draw(points: Point[]) {
    const data: uPlot.AlignedData = [
      points.map((p) => Number(p.block)),
      points.map((p) => p.buyWad ?? null),
      points.map((p) => p.sellWad ?? null),
      points.map((p) => p.mcrPercent ?? null),
    ]
    const opts: uPlot.Options = {
      width: Math.max(480, Math.min(960, chartEl.clientWidth || 800)),
      height: 280,
      scales: { x: { time: false }, eth: {}, pct: {} },
      axes: [
        { label: 'block' },
        { scale: 'eth', label: 'ETH per NXM', size: 70 },
        { scale: 'pct', side: 1, label: 'MCR %', grid: { show: false } },
      ],
      series: [
        { label: 'block' },
        { label: 'buy price', scale: 'eth', stroke: '#1a7f37', width: 2, spanGaps: true },
        { label: 'sell price', scale: 'eth', stroke: '#cf222e', width: 2, spanGaps: true },
        { label: 'MCR %', scale: 'pct', stroke: '#0969da', width: 2, dash: [6, 4], spanGaps: true },
      ],
    }
    plot?.destroy()
    plot = new uPlot(opts, data, chartEl)
  }

  return {
    id: 'pool',
    title: 'Pool',
    el,
    async refresh() {
      const m = ctx.mutual
      const [state, poolState, supply] = await Promise.all([
        m.read<readonly bigint[]>('ramm', 'state'),
        m.read<readonly bigint[]>('capital-pool', 'poolState'),
        m.read<bigint>('nxm-token', 'totalSupply'),
      ])
      const [spotA, spotB, bookValue, internalPrice, ethReserve, nxmA, nxmB, budget] = state
      const [capital, mcr, desiredMcr, floor, updatedAt, ratioBps] = poolState
      fill(
        summary,
        facts([
          ['Buy price', h('span', { 'data-testid': 'buy-price' }, price(spotA))],
          ['Sell price', h('span', { 'data-testid': 'sell-price' }, price(spotB))],
          ['Book value', price(bookValue)],
          ['Internal price', price(internalPrice)],
          ['Capital', h('span', { 'data-testid': 'capital' }, eth(capital, 2))],
          ['MCR', `${eth(mcr, 2)} (desired ${eth(desiredMcr, 2)}, floor ${eth(floor, 2)}, updated ${time(updatedAt)})`],
          ['MCR%', h('span', { 'data-testid': 'mcr-ratio' }, bps(ratioBps))],
          ['NXM supply', nxm(supply, 2)],
          ['RAMM reserves', `${eth(ethReserve, 2)}; ${nxm(nxmA, 2)} (buy side), ${nxm(nxmB, 2)} (sell side); budget ${eth(budget, 2)}`],
        ]),
      )
      const points = await history()
      chartEl.dataset.points = String(points.length)
      chartNote.textContent = `${points.length} points from the chain's events (blocks ${points[0]?.block ?? '–'}–${points.at(-1)?.block ?? '–'}).`
      draw(points)
    },
  }
}
