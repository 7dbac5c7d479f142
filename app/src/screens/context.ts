// What every screen is given: the mutual, the wallet, the deployment's day, the chain's clock.
import type { Mutual } from '../contracts'
import type { Wallet } from '../wallet'

export interface Context {
  mutual: Mutual
  wallet: Wallet
  /** The deployment's day in seconds (governance's `daySecs`: a minute on the local profile). */
  daySecs: bigint
  /** The latest block's timestamp. */
  now(): Promise<bigint>
}

export interface Screen {
  id: string
  title: string
  el: HTMLElement
  /** Reads what the screen shows again (on showing it, and after every transaction). */
  refresh(): Promise<void>
}

/** A deadline for swaps: an hour past the chain's clock. */
export const deadline = async (ctx: Context) => (await ctx.now()) + 3_600n

/** `amount` less `slippageBps` (a minimum out) or plus it (a maximum in). */
export const lessSlippage = (amount: bigint, slippageBps: bigint) => (amount * (10_000n - slippageBps)) / 10_000n
export const plusSlippage = (amount: bigint, slippageBps: bigint) => (amount * (10_000n + slippageBps) + 9_999n) / 10_000n

/** A percentage input ("0.5") as bps (50); NaN and negatives are refused. */
export function percentToBps(text: string): bigint {
  const percent = Number(text)
  if (!Number.isFinite(percent) || percent < 0 || percent >= 100) throw new Error(`slippage: ${text} is not a percentage below 100`)
  return BigInt(Math.round(percent * 100))
}

/** `count` ids from `first`: pools, claims and proposals count from 1, products from 0. */
export const ids = (count: bigint, first = 1n) => Array.from({ length: Number(count) }, (_, i) => first + BigInt(i))
