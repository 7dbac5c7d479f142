// Buy and sell NXM through the RAMM: a live quote (the RAMM's `quote`, brought to the current
// block) as the amount is typed, a slippage tolerance that sets the swap's minimum out, and
// the price the member would pay or get.
import { parseEther } from 'viem'
import { eth, nxm, price } from '../format'
import { button, facts, field, fill, h, input, select } from '../ui'
import { explain } from '../wallet'
import { deadline, lessSlippage, percentToBps, type Context, type Screen } from './context'

export function swapScreen(ctx: Context): Screen {
  const direction = select([
    ['buy', 'Buy NXM with ETH'],
    ['sell', 'Sell NXM for ETH'],
  ])
  const amount = input({ inputmode: 'decimal', placeholder: '1.0' })
  const slippage = input({ inputmode: 'decimal', value: '1' })
  const unit = h('span', { class: 'unit' }, 'ETH')
  const quoteEl = h('div', { 'data-testid': 'swap-quote', 'aria-live': 'polite' })
  const balances = h('div')
  const submit = button('Swap', () => void swap())
  const el = h(
    'section',
    {},
    balances,
    h(
      'form',
      { class: 'form', onsubmit: (e: Event) => e.preventDefault() },
      field('Direction', direction),
      field('Amount in', amount, unit),
      field('Slippage tolerance (%)', slippage),
      quoteEl,
      submit,
    ),
  )

  /** `(amountIn, expected out, min out)` for the form as it stands, or the reason there is none. */
  async function quote() {
    const buying = direction.value === 'buy'
    const text = amount.value.trim()
    if (!text) return undefined
    const amountIn = parseEther(text)
    if (amountIn <= 0n) throw new Error('the amount must be above zero')
    const out = await ctx.mutual.read<bigint>('ramm', 'quote', buying ? [amountIn, 0n] : [0n, amountIn])
    const min = lessSlippage(out, percentToBps(slippage.value))
    return { buying, amountIn, out, min }
  }

  async function showQuote() {
    unit.textContent = direction.value === 'buy' ? 'ETH' : 'NXM'
    submit.textContent = direction.value === 'buy' ? 'Buy NXM' : 'Sell NXM'
    try {
      const q = await quote()
      if (!q) return fill(quoteEl, 'Enter an amount for a quote.')
      const perNxm = q.buying ? (q.amountIn * 10n ** 18n) / (q.out || 1n) : (q.out * 10n ** 18n) / (q.amountIn || 1n)
      fill(
        quoteEl,
        facts([
          ['You receive', q.buying ? nxm(q.out, 6) : eth(q.out, 6)],
          ['At least', q.buying ? nxm(q.min, 6) : eth(q.min, 6)],
          ['Average price', price(perNxm)],
        ]),
      )
    } catch (error) {
      fill(quoteEl, h('span', { class: 'error' }, explain(error)))
    }
  }

  async function swap() {
    let q
    try {
      q = await quote()
    } catch (error) {
      return fill(quoteEl, h('span', { class: 'error' }, explain(error)))
    }
    if (!q) return fill(quoteEl, 'Enter an amount first.')
    const label = q.buying ? `Buy NXM for ${eth(q.amountIn)}` : `Sell ${nxm(q.amountIn)}`
    const receipt = await ctx.wallet.send(label, {
      contract: 'ramm',
      functionName: 'swap',
      args: [q.buying ? 0n : q.amountIn, q.min, await deadline(ctx)],
      value: q.buying ? q.amountIn : 0n,
    })
    if (receipt) amount.value = ''
  }

  direction.addEventListener('change', () => void showQuote())
  amount.addEventListener('input', () => void showQuote())
  slippage.addEventListener('input', () => void showQuote())

  return {
    id: 'swap',
    title: 'Swap',
    el,
    async refresh() {
      const account = ctx.wallet.account
      if (account) {
        const [ethBalance, nxmBalance] = await Promise.all([
          ctx.mutual.publicClient.getBalance({ address: account }),
          ctx.mutual.read<bigint>('nxm-token', 'balanceOf', [account]),
        ])
        fill(balances, facts([['Your ETH', eth(ethBalance)], ['Your NXM', h('span', { 'data-testid': 'swap-nxm-balance' }, nxm(nxmBalance))]]))
      }
      await showQuote()
    },
  }
}
