// The local KYC signer: holds the KYC authority's key (out of the browser) and answers
// POST /approve {"member": "0x…"} with an EIP-712 MembershipApproval that membership's `join`
// accepts: {member, nonce, deadline, signature}. A real deployment's KYC provider checks who
// the member is before signing; this devnet signer approves every address that asks.
//
//   MUTUAL_DEPLOYMENT  the deployment record (its chainId, membership address, kycAuthority)
//   MUTUAL_RPC_URL     the node (the approval's deadline is one hour past the chain's time)
//   MUTUAL_KYC_KEY     the authority's private key (0x…), or
//   MUTUAL_KYC_DEV_SEED a dev seed: the key is keccak256(seed), as deploy/networks/*.toml say
//   KYC_PORT           the port on 127.0.0.1 (0: any free one); prints "KYC signer on URL"
import { createServer } from 'node:http'
import { readFileSync } from 'node:fs'
import { createPublicClient, getAddress, http, isAddress, isAddressEqual } from 'viem'
import { approve, kycAuthority } from './kyc.mjs'

const deployment = JSON.parse(readFileSync(process.env.MUTUAL_DEPLOYMENT, 'utf8'))
const rpcUrl = process.env.MUTUAL_RPC_URL ?? 'http://127.0.0.1:8547'
const authority = kycAuthority()
if (!isAddressEqual(authority.address, deployment.kycAuthority)) {
  throw new Error(`kyc-signer: the key is ${authority.address}, the deployment's KYC authority ${deployment.kycAuthority}`)
}
const client = createPublicClient({ transport: http(rpcUrl) })

const server = createServer(async (req, res) => {
  const reply = (status, body) => {
    res.writeHead(status, { 'content-type': 'application/json', 'access-control-allow-origin': '*' })
    res.end(JSON.stringify(body))
  }
  try {
    if (req.method === 'GET' && req.url === '/health') return reply(200, { authority: authority.address })
    if (req.method !== 'POST' || req.url !== '/approve') return reply(404, { error: 'POST /approve' })
    let body = ''
    for await (const chunk of req) {
      body += chunk
      if (body.length > 1_000) return reply(413, { error: 'request too large' })
    }
    const { member } = JSON.parse(body || '{}')
    if (typeof member !== 'string' || !isAddress(member)) return reply(400, { error: 'member: an address' })
    const { timestamp } = await client.getBlock()
    const approval = await approve(authority, deployment, getAddress(member), timestamp)
    console.log(`kyc-signer: approved ${approval.member} until ${approval.deadline}`)
    reply(200, { ...approval, nonce: approval.nonce.toString(), deadline: approval.deadline.toString() })
  } catch (error) {
    reply(500, { error: String(error?.shortMessage ?? error?.message ?? error) })
  }
})
server.listen(Number(process.env.KYC_PORT ?? 8548), '127.0.0.1', () => {
  console.log(`KYC signer on http://127.0.0.1:${server.address().port} (authority ${authority.address})`)
})
