// The KYC authority's EIP-712 approval of a member joining (membership's `join` checks it):
// domain "Mutual Membership" v1 on the deployment's chain and membership contract, type
// MembershipApproval(address member, uint256 nonce, uint256 deadline). Used by the local KYC
// signer (kyc-signer.mjs) and by the seeding script (seed.mjs).
import { randomBytes } from 'node:crypto'
import { getAddress, keccak256, toBytes, toHex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'

/** An approval lives an hour past the chain's clock. */
export const APPROVAL_LIFETIME_SECS = 3_600n

/** The authority's account: MUTUAL_KYC_KEY, else keccak256(MUTUAL_KYC_DEV_SEED). */
export function kycAuthority(env = process.env) {
  const key = env.MUTUAL_KYC_KEY ?? (env.MUTUAL_KYC_DEV_SEED && keccak256(toBytes(env.MUTUAL_KYC_DEV_SEED)))
  if (!key) throw new Error('set MUTUAL_KYC_KEY, or MUTUAL_KYC_DEV_SEED on a devnet')
  return privateKeyToAccount(key)
}

/** `authority`'s approval of `member` for `deployment`, valid until `nowSecs` + an hour. */
export async function approve(authority, deployment, member, nowSecs) {
  const membership = getAddress(deployment.contracts.find((c) => c.name === 'membership').address)
  const nonce = BigInt(toHex(randomBytes(8))) // single use: membership refuses a nonce twice
  const deadline = nowSecs + APPROVAL_LIFETIME_SECS
  const signature = await authority.signTypedData({
    domain: { name: 'Mutual Membership', version: '1', chainId: deployment.chainId, verifyingContract: membership },
    types: {
      MembershipApproval: [
        { name: 'member', type: 'address' },
        { name: 'nonce', type: 'uint256' },
        { name: 'deadline', type: 'uint256' },
      ],
    },
    primaryType: 'MembershipApproval',
    message: { member: getAddress(member), nonce, deadline },
  })
  return { member: getAddress(member), nonce, deadline, signature }
}
