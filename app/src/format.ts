// Amounts, times and reverts in words. Every amount the contracts use is an 18-decimal integer;
// the unit comes from what it is (a name ending in Eth or Nxm, as the interfaces name them).
import { formatUnits, type AbiParameter } from 'viem'

/** `wei` as a decimal with at most `digits` fraction digits, thousands grouped. */
export function decimal(wei: bigint, digits = 4): string {
  const negative = wei < 0n
  const [whole, fraction = ''] = formatUnits(negative ? -wei : wei, 18).split('.')
  const grouped = whole.replace(/\B(?=(\d{3})+(?!\d))/g, ',')
  const cut = fraction.slice(0, digits).replace(/0+$/, '')
  return `${negative ? '−' : ''}${grouped}${cut ? `.${cut}` : ''}`
}

export const eth = (wei: bigint, digits = 4) => `${decimal(wei, digits)} ETH`
export const nxm = (wei: bigint, digits = 4) => `${decimal(wei, digits)} NXM`
/** A price in ETH per NXM (an 18-decimal wei-per-NXM figure). */
export const price = (weiPerNxm: bigint) => `${decimal(weiPerNxm, 6)} ETH/NXM`
export const bps = (value: bigint | number) => `${(Number(value) / 100).toFixed(2)} %`

/** A chain timestamp (seconds) as a UTC date and time. */
export const time = (secs: bigint | number) =>
  new Date(Number(secs) * 1000).toISOString().replace('T', ' ').replace(/\.\d+Z$/, ' UTC')

/** A duration in seconds, in the largest units that fit. */
export function duration(secs: bigint | number): string {
  let s = Number(secs)
  const parts: string[] = []
  for (const [unit, size] of [['d', 86_400], ['h', 3_600], ['min', 60], ['s', 1]] as const) {
    if (s >= size || (unit === 's' && parts.length === 0)) {
      parts.push(`${Math.floor(s / size)} ${unit}`)
      s %= size
    }
    if (parts.length === 2) break
  }
  return parts.join(' ')
}

export const short = (address: string) => `${address.slice(0, 6)}…${address.slice(-4)}`

/** "WrongJoiningFee" → "Wrong joining fee"; "valueEth" → "value". */
export function words(name: string): string {
  const spaced = name
    .replace(/(Eth|Nxm|Wad|Bps|Secs)$/, '')
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .replace(/([A-Z]+)([A-Z][a-z])/g, '$1 $2')
    .toLowerCase()
  return spaced.charAt(0).toUpperCase() + spaced.slice(1)
}

/** One argument of a revert or an event, with its unit where its name gives one. */
export function value(param: AbiParameter | undefined, v: unknown): string {
  const name = param?.name ?? ''
  if (typeof v === 'bigint') {
    if (/Eth$/.test(name)) return eth(v, 6)
    if (/Nxm$/.test(name)) return nxm(v, 6)
    if (/Bps$/.test(name)) return bps(v)
    if (/Wad$/.test(name)) return decimal(v, 6)
    if (/^(deadline|now|blockTimestamp)$|(AtSecs|[eE]ndSecs|[sS]tartSecs|unlockSecs)$/.test(name)) return time(v)
    if (/Secs$/.test(name)) return duration(v)
    // An amount in a cover's asset, or a swap's output (ETH or NXM): 18 decimals, unit by context.
    if (/([aA]mount|[pP]remium)/.test(name) || /InAsset$|Out$/.test(name)) return decimal(v, 6)
    return v.toString()
  }
  if (typeof v === 'string' && /^0x[0-9a-fA-F]{40}$/.test(v)) return v
  return String(v)
}

/** A decoded custom error in words: "Wrong joining fee: value 0.001 ETH, joining fee 0.002 ETH". */
export function revertInWords(errorName: string, inputs: readonly AbiParameter[], args: readonly unknown[] = []): string {
  const details = args.map((arg, i) => {
    const param = inputs[i]
    const label = param?.name ? `${words(param.name).toLowerCase()} ` : ''
    return `${label}${value(param, arg)}`
  })
  return details.length ? `${words(errorName)}: ${details.join(', ')}` : words(errorName)
}
