// Claims and assessment: file a claim on one of the member's covers (with the deposit the claims
// contract quotes), the assessors' stake and votes on open polls, and redeeming an accepted
// claim's payout (to the cover's owner).
import { parseEther } from 'viem'
import { eth, nxm, time } from '../format'
import { button, facts, field, fill, h, input, select, table } from '../ui'
import { explain } from '../wallet'
import { ids, type Context, type Screen } from './context'
import { coverAmount, coversOf } from './positions'

/** claims' `claimStatus` values, in words. */
const STATUS = ['voting', 'cooldown', 'accepted', 'denied', 'redeemed', 'expired'] as const
const VOTING = 0
const ACCEPTED = 2
/** The deposit quote is at the RAMM's last internal price: send 5 % more (the rest comes back). */
const DEPOSIT_MARGIN_BPS = 500n

export function claimsScreen(ctx: Context): Screen {
  const cover = select([])
  const amount = input({ inputmode: 'decimal', placeholder: '1' })
  const proof = input({ value: 'ipfs://proof-of-loss' })
  const depositEl = h('div', { 'data-testid': 'claim-deposit', 'aria-live': 'polite' })
  const assessor = h('div', { 'data-testid': 'assessor' })
  const assessStake = input({ inputmode: 'decimal', placeholder: '100' })
  const list = h('div', { 'data-testid': 'claims' })
  const el = h(
    'section',
    {},
    h('h3', {}, 'File a claim'),
    h(
      'form',
      { class: 'form', onsubmit: (e: Event) => e.preventDefault() },
      field('Cover', cover),
      field('Claim amount (in the cover asset)', amount),
      field('Proof URI', proof),
      depositEl,
      button('File claim', () => void file()),
    ),
    h('h3', {}, 'Claims'),
    list,
    h('h3', {}, 'Assessor'),
    assessor,
    h(
      'form',
      { class: 'form', onsubmit: (e: Event) => e.preventDefault() },
      field('Assessment stake (NXM)', assessStake),
      button('Stake for assessment', () => void stakeForAssessment()),
      button('Withdraw assessment rewards', () => void withdrawRewards()),
    ),
  )

  async function quote() {
    if (!cover.value || !amount.value.trim()) return undefined
    const coverId = BigInt(cover.value)
    const claimAmount = parseEther(amount.value.trim())
    const [depositEth, rewardNxm] = await ctx.mutual.read<readonly [bigint, bigint]>('claims', 'quoteDeposit', [coverId, claimAmount])
    return { coverId, claimAmount, depositEth, rewardNxm }
  }

  async function showDeposit() {
    try {
      const q = await quote()
      if (!q) return fill(depositEl, 'Choose a cover and an amount for the deposit.')
      fill(depositEl, facts([['Deposit', eth(q.depositEth, 6)], ["Assessors' reward", nxm(q.rewardNxm, 6)]]))
    } catch (error) {
      fill(depositEl, h('span', { class: 'error' }, explain(error)))
    }
  }

  async function file() {
    let q
    try {
      q = await quote()
    } catch (error) {
      return fill(depositEl, h('span', { class: 'error' }, explain(error)))
    }
    if (!q) return
    await ctx.wallet.send(`Claim on cover ${q.coverId}`, {
      contract: 'claims',
      functionName: 'submitClaim',
      args: [q.coverId, q.claimAmount, proof.value],
      value: (q.depositEth * (10_000n + DEPOSIT_MARGIN_BPS)) / 10_000n,
    })
  }

  async function stakeForAssessment() {
    if (!assessStake.value.trim()) return
    const amountNxm = parseEther(assessStake.value.trim())
    await ctx.wallet.send(`Stake ${nxm(amountNxm)} for assessment`, { contract: 'assessment', functionName: 'stake', args: [amountNxm] })
  }

  async function withdrawRewards() {
    if (!ctx.wallet.account) return
    await ctx.wallet.send('Withdraw assessment rewards', {
      contract: 'assessment',
      functionName: 'withdrawRewards',
      args: [ctx.wallet.account, 0n],
    })
  }

  const vote = (claimId: bigint, assessmentId: bigint, accept: boolean) =>
    ctx.wallet.send(`${accept ? 'Accept' : 'Deny'} claim ${claimId}`, {
      contract: 'assessment',
      functionName: 'castVote',
      args: [assessmentId, accept],
    })

  const redeem = (claimId: bigint) =>
    ctx.wallet.send(`Redeem claim ${claimId}`, { contract: 'claims', functionName: 'redeemClaimPayout', args: [claimId] })

  for (const control of [cover, amount]) control.addEventListener('input', () => void showDeposit())

  return {
    id: 'claims',
    title: 'Claims',
    el,
    async refresh() {
      const m = ctx.mutual
      const account = ctx.wallet.account
      const now = await ctx.now()
      const count = await m.read<bigint>('claims', 'claimCount')
      const rows = await Promise.all(
        ids(count).map(async (claimId) => {
          const [coverId, claimAmount, coverAsset, assessmentId, submittedAt, depositEth, claimant] = await m.read<
            readonly [bigint, bigint, bigint, bigint, bigint, bigint, string]
          >('claims', 'claim', [claimId])
          const [status, poll, voted] = await Promise.all([
            m.read<number>('claims', 'claimStatus', [claimId]),
            m.read<readonly bigint[]>('assessment', 'poll', [assessmentId]),
            account ? m.read<boolean>('assessment', 'hasVoted', [account, assessmentId]) : false,
          ])
          const [acceptedNxm, deniedNxm, , endSecs] = poll
          const actions =
            status === VOTING && !voted
              ? h('span', {}, button('Accept', () => void vote(claimId, assessmentId, true)), ' ', button('Deny', () => void vote(claimId, assessmentId, false)))
              : status === ACCEPTED
                ? button('Redeem', () => void redeem(claimId))
                : voted
                  ? 'voted'
                  : ''
          return [
            claimId.toString(),
            coverId.toString(),
            coverAmount({ coverAsset, amount: claimAmount }),
            `${claimant.slice(0, 8)}…, ${time(submittedAt)}`,
            eth(depositEth, 4),
            h('span', { 'data-testid': `claim-${claimId}-status` }, STATUS[status] ?? `status ${status}`),
            `${nxm(acceptedNxm, 0)} accept / ${nxm(deniedNxm, 0)} deny; ${endSecs > now ? `ends ${time(endSecs)}` : `ended ${time(endSecs)}`}`,
            actions,
          ]
        }),
      )
      fill(list, table(['Claim', 'Cover', 'Amount', 'Claimant, filed', 'Deposit', 'Status', 'Poll', ''], rows.reverse(), 'No claim yet.'))
      if (!account) return
      const [[stakeNxm, lastVoteSecs, votes], rewards, mine] = await Promise.all([
        m.read<readonly bigint[]>('assessment', 'assessor', [account]),
        m.read<bigint>('assessment', 'withdrawableRewards', [account]),
        coversOf(ctx, account),
      ])
      fill(
        assessor,
        facts([
          ['Your assessment stake', h('span', { 'data-testid': 'assessment-stake' }, nxm(stakeNxm))],
          ['Votes', `${votes}${votes > 0n ? `, the last at ${time(lastVoteSecs)}` : ''}`],
          ['Rewards to withdraw', h('span', { 'data-testid': 'assessment-rewards' }, nxm(rewards, 6))],
        ]),
      )
      const keep = cover.value
      const open = mine.filter((c) => now < c.startSecs + c.periodSecs + c.gracePeriodSecs)
      fill(cover, ...open.map((c) => h('option', { value: c.id.toString() }, `cover ${c.id}: ${coverAmount(c)} on product ${c.productId}`)))
      if (keep) cover.value = keep
      await showDeposit()
    },
  }
}
