// Products and buying cover: the catalogue with each product's price and the pools' capacity,
// a premium quote (the cover viewer's `quotePremium`) for the amount, period and pool chosen,
// and `buyCover` paid in ETH or NXM with a slippage margin on the premium (the contract takes
// the premium and refunds the rest of the ETH sent).
import { parseEther, zeroAddress } from 'viem'
import { bps, duration, eth, nxm } from '../format'
import { button, facts, field, fill, h, input, select, table } from '../ui'
import { explain } from '../wallet'
import { ids, percentToBps, plusSlippage, type Context, type Screen } from './context'

const ASSET_ETH = 0n
const ASSET_NXM = 255n

export function coverScreen(ctx: Context): Screen {
  const catalogue = h('div', { 'data-testid': 'products' })
  const product = select([])
  const pool = select([])
  const amount = input({ inputmode: 'decimal', placeholder: '10' })
  const days = input({ inputmode: 'numeric', value: '30' })
  const payIn = select([
    ['eth', 'ETH'],
    ['nxm', 'NXM'],
  ])
  const slippage = input({ inputmode: 'decimal', value: '5' })
  const quoteEl = h('div', { 'data-testid': 'cover-quote', 'aria-live': 'polite' })
  const el = h(
    'section',
    {},
    h('h3', {}, 'Products'),
    catalogue,
    h('h3', {}, 'Buy cover'),
    h(
      'form',
      { class: 'form', onsubmit: (e: Event) => e.preventDefault() },
      field('Product', product),
      field('Staking pool', pool),
      field('Cover amount (ETH)', amount),
      field('Period (days)', days, h('span', { class: 'unit' }, `1 day = ${duration(ctx.daySecs)} on this deployment`)),
      field('Pay in', payIn),
      field('Premium slippage (%)', slippage),
      quoteEl,
      button('Buy cover', () => void buy()),
    ),
  )

  function order() {
    const text = amount.value.trim()
    if (!text || !product.value || !pool.value) return undefined
    const amountEth = parseEther(text)
    const periodDays = BigInt(days.value.trim() || '0')
    return {
      productId: BigInt(product.value),
      poolId: BigInt(pool.value),
      amountEth,
      periodSecs: periodDays * ctx.daySecs,
      payNxm: payIn.value === 'nxm',
    }
  }

  async function quote() {
    const o = order()
    if (!o) return undefined
    const [premiumEth, premiumNxm] = await ctx.mutual.read<readonly [bigint, bigint]>('cover-viewer', 'quotePremium', [
      o.productId,
      ASSET_ETH,
      o.periodSecs,
      [[o.poolId, o.amountEth]],
    ])
    return { ...o, premiumEth, premiumNxm }
  }

  async function showQuote() {
    try {
      const q = await quote()
      if (!q) return fill(quoteEl, 'Choose a product and pool and enter an amount for a quote.')
      fill(
        quoteEl,
        facts([
          ['Premium', h('span', { 'data-testid': 'premium' }, q.payNxm ? nxm(q.premiumNxm, 6) : eth(q.premiumEth, 6))],
          ['Equivalent', q.payNxm ? eth(q.premiumEth, 6) : nxm(q.premiumNxm, 6)],
          ['Period', duration(q.periodSecs)],
        ]),
      )
    } catch (error) {
      fill(quoteEl, h('span', { class: 'error' }, explain(error)))
    }
  }

  async function buy() {
    let q
    try {
      q = await quote()
    } catch (error) {
      return fill(quoteEl, h('span', { class: 'error' }, explain(error)))
    }
    if (!q || !ctx.wallet.account) return fill(quoteEl, 'Choose an account, a product and a pool, and enter an amount.')
    const slippageBps = percentToBps(slippage.value)
    const maxPremium = plusSlippage(q.payNxm ? q.premiumNxm : q.premiumEth, slippageBps)
    const params = [
      0n, // a new cover
      ctx.wallet.account, // its owner
      q.productId,
      ASSET_ETH,
      q.amountEth,
      q.periodSecs,
      maxPremium,
      q.payNxm ? ASSET_NXM : ASSET_ETH,
      0n, // no commission
      zeroAddress,
      '',
    ] as const
    await ctx.wallet.send(`Buy ${eth(q.amountEth)} cover for ${duration(q.periodSecs)}`, {
      contract: 'cover',
      functionName: 'buyCover',
      args: [params, [[q.poolId, q.amountEth]]],
      value: q.payNxm ? 0n : maxPremium,
    })
  }

  for (const control of [product, pool, amount, days, payIn, slippage]) control.addEventListener('input', () => void showQuote())

  return {
    id: 'cover',
    title: 'Cover',
    el,
    async refresh() {
      const m = ctx.mutual
      const [productCount, poolCount] = await Promise.all([
        m.read<bigint>('cover-products', 'productCount'),
        m.read<bigint>('staking-pool', 'poolCount'),
      ])
      const poolIds = ids(poolCount)
      const productIds = ids(productCount, 0n)
      const periodSecs = BigInt(days.value.trim() || '30') * ctx.daySecs
      const rows = await Promise.all(
        productIds.map(async (id) => {
          const [info, metadata] = await Promise.all([
            m.read<readonly [bigint, bigint, bigint, bigint, bigint, boolean, boolean]>('cover-products', 'product', [id]),
            m.read<string>('cover-products', 'productMetadata', [id]),
          ])
          const offers = await Promise.all(
            poolIds.map(async (poolId) => {
              try {
                const [priceBps, capacity] = await Promise.all([
                  m.read<bigint>('staking-products', 'currentPrice', [poolId, id]),
                  m.read<readonly [bigint, bigint, bigint]>('staking-products', 'capacity', [poolId, id, periodSecs]),
                ])
                return `pool ${poolId}: ${bps(priceBps)} a year, ${nxm(capacity[2], 0)} available`
              } catch {
                return undefined // the pool does not carry the product
              }
            }),
          )
          return { id, info, metadata, offers: offers.filter((o): o is string => !!o) }
        }),
      )
      fill(
        catalogue,
        table(
          ['Id', 'Product', 'Minimum price', 'Capacity reduction', 'Status', 'Pools'],
          rows.map((r) => [
            r.id.toString(),
            r.metadata || `product ${r.id}`,
            bps(r.info[1]),
            bps(r.info[3]),
            r.info[6] ? 'deprecated' : 'on sale',
            r.offers.join('; ') || 'no pool carries it yet',
          ]),
          'The catalogue is empty.',
        ),
      )
      const keepProduct = product.value
      const keepPool = pool.value
      fill(product, ...rows.filter((r) => !r.info[6]).map((r) => h('option', { value: r.id.toString() }, r.metadata || `product ${r.id}`)))
      fill(pool, ...poolIds.map((id) => h('option', { value: id.toString() }, `pool ${id}`)))
      if (keepProduct) product.value = keepProduct
      if (keepPool) pool.value = keepPool
      await showQuote()
    },
  }
}
