// Staking pools: each pool's manager, fee, active stake, reward stream and per-product price and
// capacity (the staking viewer and staking products, brought to the current block); a deposit
// into a pool's tranche (a new stake position NFT), and creating a pool (the caller manages it).
import { parseEther } from 'viem'
import { bps, duration, nxm, short, time } from '../format'
import { button, field, fill, h, input, select, table } from '../ui'
import { ids, type Context, type Screen } from './context'

/** Tranches last 91 of the deployment's days; 8 are open to deposits at a time. */
export const trancheSecs = (ctx: Context) => 91n * ctx.daySecs

export function stakingScreen(ctx: Context): Screen {
  const pools = h('div', { 'data-testid': 'pools' })
  const pool = select([])
  const amount = input({ inputmode: 'decimal', placeholder: '100' })
  const tranche = select([])
  const fee = input({ inputmode: 'numeric', value: '10' })
  const maxFee = input({ inputmode: 'numeric', value: '20' })
  const products = input({ value: '0:100:200, 1:50:200' })
  const metadata = input({ value: 'ipfs://pool' })
  const el = h(
    'section',
    {},
    h('h3', {}, 'Pools'),
    pools,
    h('h3', {}, 'Stake NXM'),
    h(
      'form',
      { class: 'form', onsubmit: (e: Event) => e.preventDefault() },
      field('Pool', pool),
      field('Stake amount (NXM)', amount),
      field('Tranche', tranche),
      button('Stake', () => void stake()),
    ),
    h('h3', {}, 'Create a pool'),
    h(
      'form',
      { class: 'form', onsubmit: (e: Event) => e.preventDefault() },
      field('Manager fee (%)', fee),
      field('Maximum fee (%)', maxFee),
      field('Products (id:weight:price bps, …)', products),
      field('Metadata URI', metadata),
      button('Create pool', () => void create()),
    ),
  )

  async function stake() {
    if (!ctx.wallet.account || !pool.value || !amount.value.trim()) return
    const amountNxm = parseEther(amount.value.trim())
    await ctx.wallet.send(`Stake ${nxm(amountNxm)} in pool ${pool.value}`, {
      contract: 'staking-pool',
      functionName: 'depositTo',
      args: [BigInt(pool.value), amountNxm, BigInt(tranche.value), 0n, ctx.wallet.account],
    })
  }

  async function create() {
    const list = products.value
      .split(',')
      .map((entry) => entry.trim())
      .filter(Boolean)
      .map((entry) => {
        const parts = entry.split(':').map((p) => BigInt(p.trim()))
        if (parts.length !== 3) throw new Error(`"${entry}": id:weight:price`)
        return parts as [bigint, bigint, bigint]
      })
    await ctx.wallet.send('Create a staking pool', {
      contract: 'pool-registry',
      functionName: 'createPool',
      args: [false, BigInt(fee.value), BigInt(maxFee.value), list, metadata.value],
    })
  }

  return {
    id: 'staking',
    title: 'Staking',
    el,
    async refresh() {
      const m = ctx.mutual
      const [poolCount, productCount, now] = await Promise.all([
        m.read<bigint>('staking-pool', 'poolCount'),
        m.read<bigint>('cover-products', 'productCount'),
        ctx.now(),
      ])
      const span = trancheSecs(ctx)
      const first = now / span
      const poolIds = ids(poolCount)
      const periodSecs = 30n * ctx.daySecs
      const rows = await Promise.all(
        poolIds.map(async (id) => {
          const [info, undistributed] = await Promise.all([
            m.read<readonly [string, boolean, boolean, bigint, bigint, bigint, bigint, bigint, bigint, bigint]>('staking-viewer', 'pool', [id]),
            m.read<bigint>('staking-viewer', 'undistributedRewards', [id]),
          ])
          const offers: string[] = []
          for (let product = 0n; product < productCount; product++) {
            try {
              const [price, capacity] = await Promise.all([
                m.read<bigint>('staking-products', 'currentPrice', [id, product]),
                m.read<readonly [bigint, bigint, bigint]>('staking-products', 'capacity', [id, product, periodSecs]),
              ])
              offers.push(`product ${product}: ${bps(price)}/yr, ${nxm(capacity[1], 0)} of ${nxm(capacity[0], 0)} allocated`)
            } catch {
              // not listed in this pool
            }
          }
          const [manager, isPrivate, halted, feePercent, maxFeePercent, activeStake, , , rewardPerSecond] = info
          return [
            id.toString(),
            short(manager),
            `${feePercent} % (max ${maxFeePercent} %)${isPrivate ? ', private' : ''}${halted ? ', halted' : ''}`,
            h('span', { 'data-testid': `pool-${id}-stake` }, nxm(activeStake, 2)),
            `${nxm(rewardPerSecond * 86_400n, 4)} a day${undistributed > 0n ? `, ${nxm(undistributed, 4)} undistributed` : ''}`,
            offers.join('; ') || 'no products',
          ]
        }),
      )
      fill(pools, table(['Pool', 'Manager', 'Fee', 'Active stake', 'Rewards streaming', 'Products (price, capacity for 30 days)'], rows, 'No staking pool yet.'))
      const keep = pool.value
      fill(pool, ...poolIds.map((id) => h('option', { value: id.toString() }, `pool ${id}`)))
      if (keep) pool.value = keep
      const keepTranche = tranche.value
      fill(
        tranche,
        ...Array.from({ length: 8 }, (_, i) => {
          const id = first + BigInt(i)
          return h('option', { value: id.toString() }, `tranche ${id}: until ${time((id + 1n) * span)} (${duration((id + 1n) * span - now)} left)`)
        }),
      )
      if (keepTranche) tranche.value = keepTranche
      else tranche.selectedIndex = Math.min(2, tranche.options.length - 1)
    },
  }
}
