// The member's positions: the covers it owns (cover NFTs) and its stake positions (stake NFTs)
// with what each could withdraw now, and the withdrawal itself.
import type { Address } from 'viem'
import { duration, eth, nxm, time } from '../format'
import { button, fill, h, table } from '../ui'
import type { Context, Screen } from './context'
import { trancheSecs } from './staking'

/** Ids `owner` holds in an NFT deployment: a scan over every id minted so far. */
async function tokensOf(ctx: Context, nft: 'cover-nft' | 'stake-nft', owner: Address): Promise<bigint[]> {
  const supply = await ctx.mutual.read<bigint>(nft, 'totalSupply')
  if (supply === 0n) return []
  // Ids count from 1 and are never reused; a burned token leaves a gap, hence the margin.
  return [...(await ctx.mutual.read<readonly bigint[]>(nft, 'tokensOfOwner', [owner, 1n, supply + 64n]))]
}

export interface CoverView {
  id: bigint
  productId: bigint
  coverAsset: bigint
  amount: bigint
  startSecs: bigint
  periodSecs: bigint
  gracePeriodSecs: bigint
}

/** The covers `owner` holds, as the cover viewer reads them. */
export async function coversOf(ctx: Context, owner: Address): Promise<CoverView[]> {
  const ids = await tokensOf(ctx, 'cover-nft', owner)
  return Promise.all(
    ids.map(async (id) => {
      const [productId, coverAsset, amount, startSecs, periodSecs, gracePeriodSecs] = await ctx.mutual.read<readonly bigint[]>('cover-viewer', 'cover', [id])
      return { id, productId, coverAsset, amount, startSecs, periodSecs, gracePeriodSecs }
    }),
  )
}

/** A cover's amount in its asset (0 ETH, 255 NXM). */
export const coverAmount = (c: Pick<CoverView, 'coverAsset' | 'amount'>) => (c.coverAsset === 255n ? nxm(c.amount) : eth(c.amount))

export function positionsScreen(ctx: Context): Screen {
  const covers = h('div', { 'data-testid': 'my-covers' })
  const stakes = h('div', { 'data-testid': 'my-stakes' })
  const el = h('section', {}, h('h3', {}, 'My covers'), covers, h('h3', {}, 'My stake positions'), stakes)

  async function stakeRows(owner: Address, now: bigint) {
    const ids = await tokensOf(ctx, 'stake-nft', owner)
    const first = now / trancheSecs(ctx)
    return Promise.all(
      ids.map(async (tokenId) => {
        const poolId = await ctx.mutual.read<bigint>('staking-pool', 'tokenPool', [tokenId])
        // The 8 active tranches and the 8 before them (expired: withdrawable).
        const tranches = Array.from({ length: 16 }, (_, i) => first - 8n + BigInt(i)).filter((t) => t >= 0n)
        const held = await Promise.all(
          tranches.map(async (trancheId) => {
            const [shares] = await ctx.mutual.read<readonly bigint[]>('staking-viewer', 'deposit', [poolId, tokenId, trancheId])
            if (shares === 0n) return undefined
            const [stakeNxm, rewardsNxm] = await ctx.mutual.read<readonly bigint[]>('staking-viewer', 'withdrawable', [poolId, tokenId, trancheId])
            return { trancheId, stakeNxm, rewardsNxm }
          }),
        )
        const deposits = held.filter((d): d is NonNullable<typeof d> => !!d)
        // Stake leaves expired tranches only (the pool refuses TrancheNotExpired); rewards leave
        // any tranche.
        const expired = deposits.filter((d) => d.trancheId < first && (d.stakeNxm > 0n || d.rewardsNxm > 0n))
        const rewarding = deposits.filter((d) => d.rewardsNxm > 0n)
        const sum = (list: typeof deposits, key: 'stakeNxm' | 'rewardsNxm') => list.reduce((total, d) => total + d[key], 0n)
        const withdraw = (stake: boolean) =>
          ctx.wallet.send(`Withdraw ${stake ? 'stake and rewards' : 'rewards'} of position ${tokenId}`, {
            contract: 'staking-pool',
            functionName: 'withdraw',
            args: [poolId, tokenId, stake, true, (stake ? expired : rewarding).map((d) => d.trancheId)],
          })
        const lastEnd = deposits.reduce((end, d) => (d.trancheId + 1n > end ? d.trancheId + 1n : end), 0n) * trancheSecs(ctx)
        return [
          tokenId.toString(),
          poolId.toString(),
          deposits.map((d) => `tranche ${d.trancheId}${d.trancheId < first ? ' (expired)' : ''}`).join(', '),
          h('span', { 'data-testid': `stake-${tokenId}-withdrawable` }, `${nxm(sum(expired, 'stakeNxm'))} stake, ${nxm(sum(deposits, 'rewardsNxm'), 6)} rewards`),
          h(
            'span',
            {},
            expired.length ? button('Withdraw stake', () => void withdraw(true)) : `stake locked until ${time(lastEnd)}`,
            ' ',
            rewarding.length ? button('Withdraw rewards', () => void withdraw(false)) : null,
          ),
        ]
      }),
    )
  }

  return {
    id: 'positions',
    title: 'My positions',
    el,
    async refresh() {
      const owner = ctx.wallet.account
      if (!owner) return fill(covers, 'Choose an account.')
      const now = await ctx.now()
      const [mine, stakeTable] = await Promise.all([coversOf(ctx, owner), stakeRows(owner, now)])
      fill(
        covers,
        table(
          ['Cover', 'Product', 'Amount', 'Period', 'Ends', 'Status'],
          mine.map((c) => {
            const end = c.startSecs + c.periodSecs
            const status = now < end ? 'active' : now < end + c.gracePeriodSecs ? 'ended (claims open)' : 'expired'
            return [c.id.toString(), c.productId.toString(), coverAmount(c), duration(c.periodSecs), time(end), status]
          }),
          'No cover yet.',
        ),
      )
      fill(stakes, table(['Position', 'Pool', 'Tranches', 'Withdrawable now', ''], stakeTable, 'No stake position yet.'))
    },
  }
}
