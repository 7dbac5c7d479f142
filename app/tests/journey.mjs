// A member's whole journey through the app, by clicking, in Chromium (playwright-core driving
// the system's browser: no browser download): join with a KYC approval, buy NXM, stake in a
// pool, buy cover, file a claim, an assessor's vote and reward, redeem the payout, lock NXM,
// propose, vote and execute, withdraw the stake once its tranche expired, a revert shown in
// words; then a second member through an injected EIP-1193 wallet. After each step it checks
// what the page shows and the chain's state (viem, on the node the app uses); it saves a
// screenshot of each screen.
//
//   node tests/journey.mjs APP_URL [OUTPUT_DIR]     (scripts/app-test.sh starts the app)
//   CHROMIUM  the browser executable (default /usr/bin/chromium)
import assert from 'node:assert/strict'
import { mkdirSync } from 'node:fs'
import { resolve } from 'node:path'
import { chromium } from 'playwright-core'
import { createPublicClient, formatEther, getAddress, http, parseEther } from 'viem'

const appUrl = process.argv[2] ?? 'http://127.0.0.1:5173/'
const outputDir = resolve(process.argv[3] ?? 'tests/output')
mkdirSync(outputDir, { recursive: true })
const started = Date.now()
const log = (message) => console.log(`journey: ${message} (${((Date.now() - started) / 1000).toFixed(1)} s)`)

const config = await (await fetch(new URL('/config.json', appUrl))).json()
const client = createPublicClient({ transport: http(config.rpcUrl) })
const address = Object.fromEntries(config.deployment.contracts.map((c) => [c.name, getAddress(c.address)]))
const abiOf = async (pkg) => (await import(`../../deploy/abi/${pkg}.json`, { with: { type: 'json' } })).default
const read = async (name, functionName, args = [], pkg = name) =>
  client.readContract({ address: address[name], abi: await abiOf(pkg), functionName, args })
const [, member, assessor] = (await client.request({ method: 'eth_accounts' })).map((a) => getAddress(a))
const founder = getAddress(config.deployment.deployer)

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-dev-shm-usage'],
})
let page = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
const pageErrors = []
page.on('pageerror', (error) => pageErrors.push(error.message))

/** Waits until the app is done reading the chain (it marks <body data-busy> meanwhile). */
async function settled() {
  await page.waitForFunction(() => document.body.dataset.busy === undefined, null, { timeout: 30_000 })
}

/** Shows screen `title` and waits for its heading and its data. */
async function tab(title) {
  await page.locator('nav').getByRole('button', { name: title, exact: true }).click()
  await page.locator('main h2', { hasText: title }).waitFor()
  await settled()
}

async function screenshot(name) {
  await page.screenshot({ path: `${outputDir}/${name}.png`, fullPage: true })
}

/** Clicks `button` and waits for the transaction it starts to end; fails on a failed one. */
async function transact(button, what) {
  const rows = page.getByTestId('activity').locator('li')
  const before = await rows.count()
  await button.click()
  await page.waitForFunction(
    (n) => {
      const first = document.querySelector('[data-testid=activity] li')
      const count = document.querySelectorAll('[data-testid=activity] li').length
      return count > n && ['confirmed', 'failed'].includes(first?.dataset.stage ?? '')
    },
    before,
    { timeout: 60_000 },
  )
  const first = rows.first()
  const stage = await first.getAttribute('data-stage')
  const detail = await first.locator('.detail').textContent()
  assert.equal(stage, 'confirmed', `${what}: ${detail}`)
  log(`${what}: ${detail}`)
  await settled() // the screens re-read the chain after each transaction
}

/** The account the journey acts as (the app's account selector shows it). */
let current

async function useAccount(account) {
  current = getAddress(account)
  await page.getByLabel('Account').selectOption(current)
  await page.locator(`[data-testid=account][data-address="${current}"]`).getByTestId('membership').waitFor()
  await settled()
}

const text = async (testId) => (await page.getByTestId(testId).first().textContent()).trim()
/** A figure the page shows, "1,234.5 NXM" → 1234.5. */
const figure = async (testId) => Number((await text(testId)).replace(/[^0-9.]/g, ''))

async function travel(label) {
  await page.getByRole('button', { name: label, exact: true }).click()
  await settled()
}

async function join(account) {
  await useAccount(account)
  await transact(page.getByRole('button', { name: 'Join the mutual' }), `${account} joins`)
  await page.getByTestId('membership').getByText('member', { exact: true }).waitFor()
  assert.equal(await read('membership', 'isMember', [account]), true)
}

async function buyNxm(eth) {
  await tab('Swap')
  await page.getByLabel('Direction').selectOption('buy')
  await page.getByLabel('Amount in').fill(eth)
  await page.getByTestId('swap-quote').getByText('You receive').waitFor()
  const quoted = await read('ramm', 'quote', [parseEther(eth), 0n])
  const before = await read('nxm-token', 'balanceOf', [current])
  await transact(page.getByRole('button', { name: 'Buy NXM' }), `buy NXM for ${eth} ETH`)
  const bought = (await read('nxm-token', 'balanceOf', [current])) - before
  // At least the quote less the 1 % slippage (the ratchet moves the price between the two).
  assert.ok(bought >= (quoted * 99n) / 100n, `bought ${bought}, quoted ${quoted}`)
  return bought
}

try {
  await page.goto(appUrl)
  await page.getByTestId('buy-price').waitFor()
  await page.locator('[data-testid=pool-chart] canvas').first().waitFor()
  const [spotA] = await read('ramm', 'state')
  assert.match(await text('buy-price'), new RegExp(`^${formatEther(spotA).slice(0, 5).replace('.', '\\.')}`))
  await screenshot('1-pool')
  log('pool state and chart shown')

  // Join and buy NXM.
    await join(member)
  const nxmBought = await buyNxm('10')
  await screenshot('2-swap')
  log(`bought ${formatEther(nxmBought)} NXM`)

  // Stake 100 NXM in pool 1.
  await tab('Staking')
  await page.getByTestId('pools').getByText('pool', { exact: false }).first().waitFor()
  const stakeBefore = (await read('staking-viewer', 'pool', [1n]))[5]
  await page.getByLabel('Pool', { exact: true }).selectOption('1')
  await page.getByLabel('Stake amount (NXM)').fill('100')
  await transact(page.getByRole('button', { name: 'Stake', exact: true }), 'stake 100 NXM')
  assert.equal((await read('staking-viewer', 'pool', [1n]))[5] - stakeBefore, parseEther('100'))
  assert.equal(await read('stake-nft', 'balanceOf', [member], 'position-nft'), 1n)
  await screenshot('3-staking')

  // Buy 1 ETH of cover on product 0 for 30 days, in ETH.
  await tab('Cover')
  await page.getByLabel('Product').selectOption('0')
  await page.getByLabel('Staking pool').selectOption('1')
  await page.getByLabel('Cover amount (ETH)').fill('1')
  await page.getByLabel('Period (days)').fill('30')
  await page.getByTestId('premium').waitFor()
  await transact(page.getByRole('button', { name: 'Buy cover' }), 'buy 1 ETH of cover')
  const coverId = await read('cover', 'coverCount')
  assert.equal(await read('cover-nft', 'ownerOf', [coverId], 'position-nft'), member)
  await screenshot('4-cover')

  await tab('My positions')
  await page.getByTestId('my-covers').getByText('active').waitFor()
  await page.getByTestId('my-stakes').getByText(/stake locked until/).waitFor()
  await screenshot('5-positions')

  // A claim, the next day: 0.5 ETH on the cover.
  await travel('+1 day')
  await tab('Claims')
  await page.getByLabel('Cover', { exact: true }).selectOption(coverId.toString())
  await page.getByLabel('Claim amount (in the cover asset)').fill('0.5')
  await page.getByTestId('claim-deposit').getByText('Deposit').waitFor()
  await transact(page.getByRole('button', { name: 'File claim' }), 'file a claim of 0.5 ETH')
  const claimId = await read('claims', 'claimCount')
  assert.equal(await text(`claim-${claimId}-status`), 'voting')

  // An assessor joins, buys NXM, stakes it for assessment and accepts the claim.
    await join(assessor)
  await buyNxm('5')
  await tab('Claims')
  await page.getByLabel('Assessment stake (NXM)').fill('100')
  await transact(page.getByRole('button', { name: 'Stake for assessment' }), 'stake 100 NXM for assessment')
  assert.equal((await read('assessment', 'assessor', [assessor]))[0], parseEther('100'))
  await transact(page.getByRole('button', { name: 'Accept' }).first(), `accept claim ${claimId}`)
  assert.equal(await read('assessment', 'hasVoted', [assessor, (await read('claims', 'claim', [claimId]))[3]]), true)
  await screenshot('6-claims')

  // The 3-day poll and the 1-day cooldown pass: the member redeems 0.5 ETH.
  await travel('+4 days')
    await useAccount(member)
  await tab('Claims')
  assert.equal(await text(`claim-${claimId}-status`), 'accepted')
  const ethBefore = await client.getBalance({ address: member })
  await transact(page.getByRole('button', { name: 'Redeem', exact: true }), `redeem claim ${claimId}`)
  assert.equal(await text(`claim-${claimId}-status`), 'redeemed')
  const [, , , , , depositEth] = await read('claims', 'claim', [claimId])
  const gained = (await client.getBalance({ address: member })) - ethBefore
  // The payout and the deposit, less the gas of the redemption.
  assert.ok(gained > parseEther('0.5') + depositEth - parseEther('0.01'), `gained ${formatEther(gained)} ETH`)
  assert.ok(gained <= parseEther('0.5') + depositEth)

  // The assessor's reward, once the poll's cooldown is over (strictly: a day later it is):
  // minted to it on withdrawal.
  await travel('+1 day')
  await useAccount(assessor)
  await tab('Claims')
  const reward = await read('assessment', 'withdrawableRewards', [assessor])
  assert.ok(reward > 0n, 'the assessor has a reward to withdraw')
  const assessorNxm = await read('nxm-token', 'balanceOf', [assessor])
  await transact(page.getByRole('button', { name: 'Withdraw assessment rewards' }), 'the assessor withdraws its reward')
  assert.equal((await read('nxm-token', 'balanceOf', [assessor])) - assessorNxm, reward)
  await useAccount(member)

  // Governance: the member locks NXM and proposes a new joining fee (a special resolution:
  // it targets membership); the founder's weight carries it; after the vote and the timelock
  // anyone executes it.
  await tab('Governance')
  await page.getByLabel('Lock amount (NXM)').fill('150')
  await transact(page.getByRole('button', { name: 'Lock NXM', exact: true }), 'lock 150 NXM')
  assert.equal((await read('governance', 'locked', [member]))[0], parseEther('150'))
  await page.getByLabel('Target contract').selectOption('membership')
  const setFee = page.getByLabel('Function').locator('option', { hasText: 'setJoiningFee' })
  await page.getByLabel('Function').selectOption(await setFee.getAttribute('value'))
  await page.getByLabel('Arguments (JSON array)').fill('["3000000000000000"]')
  await transact(page.getByRole('button', { name: 'Propose', exact: true }), 'propose a joining fee of 0.003 ETH')
  const proposalId = await read('governance', 'proposalCount')
  await transact(page.getByRole('button', { name: 'Vote for' }).first(), `vote for proposal ${proposalId}`)
  assert.equal((await read('governance', 'receipt', [proposalId, member]))[0], true)

  await useAccount(founder)
  const founderNxm = await read('nxm-token', 'balanceOf', [founder])
  await page.getByLabel('Lock amount (NXM)').fill(formatEther(founderNxm / 2n))
  await transact(page.getByRole('button', { name: 'Lock NXM', exact: true }), 'the founder locks half its NXM')
  await transact(page.getByRole('button', { name: 'Vote for' }).first(), `the founder votes for proposal ${proposalId}`)
  await screenshot('7-governance')
  await travel('+4 days')
  await tab('Governance')
  assert.equal(await text(`proposal-${proposalId}-status`), 'executable')
  await transact(page.getByRole('button', { name: 'Execute', exact: true }), `execute proposal ${proposalId}`)
  assert.equal(await text(`proposal-${proposalId}-status`), 'executed')
  assert.equal(await read('membership', 'joiningFee'), parseEther('0.003'))

  // Ten months later the stake's tranche has expired: the member withdraws stake and rewards.
  for (let month = 0; month < 10; month++) await travel('+30 days')
  await useAccount(member)
  await tab('My positions')
  const [stakeToken] = await read('stake-nft', 'tokensOfOwner', [member, 1n, 100n], 'position-nft')
  const memberNxm = await read('nxm-token', 'balanceOf', [member])
  // "99.4073 NXM stake, 0.61 NXM rewards": the 100 NXM less its share of the stake the claim
  // burned, and the rewards the cover's premium streamed to it.
  const shown = (await text(`stake-${stakeToken}-withdrawable`)).match(/([\d,.]+) NXM stake, ([\d,.]+) NXM rewards/)
  assert.ok(shown, 'the withdrawable stake and rewards are shown')
  const [shownStake, shownRewards] = [shown[1], shown[2]].map((v) => Number(v.replace(/,/g, '')))
  assert.ok(shownStake > 95 && shownStake < 100 && shownRewards > 0, `shown: ${shown[0]}`)
  await transact(page.getByRole('button', { name: 'Withdraw stake', exact: true }), `withdraw stake position ${stakeToken}`)
  const withdrawn = (await read('nxm-token', 'balanceOf', [member])) - memberNxm
  assert.ok(Math.abs(Number(formatEther(withdrawn)) - shownStake - shownRewards) < 0.001, `withdrew ${formatEther(withdrawn)} NXM, shown ${shown[0]}`)
  log(`withdrew ${formatEther(withdrawn)} NXM (stake and rewards)`)

  // A revert in words: selling more NXM than the account holds.
  await tab('Swap')
  await page.getByLabel('Direction').selectOption('sell')
  await page.getByLabel('Amount in').fill('1000000')
  await page.getByRole('button', { name: 'Sell NXM' }).click()
  const failed = page.getByTestId('activity').locator('li').first()
  await page.waitForFunction(() => document.querySelector('[data-testid=activity] li')?.dataset.stage === 'failed')
  const words = await failed.locator('.detail').textContent()
  assert.match(words, /NXM/, `the revert in words: ${words}`)
  log(`a sale beyond the balance is refused: ${words}`)

  // The chart, rebuilt from the events: a point per block with a swap, an ETH movement of the
  // capital pool or an MCR update (the deployment's, the journey's swaps, joins, premium, claim).
  await tab('Pool')
  const points = Number(await page.getByTestId('pool-chart').getAttribute('data-points'))
  assert.ok(points >= 6, `the chart has ${points} points`)
  await screenshot('1-pool')
  assert.deepEqual(pageErrors, [], 'the page threw')

  // An injected EIP-1193 wallet (window.ethereum, as a browser extension provides it; here it
  // forwards to the node, whose dev account 3 it holds): the app uses it instead of the dev
  // accounts, and a member joins and buys NXM through it.
  const walletPage = await browser.newPage({ viewport: { width: 1440, height: 1000 } })
  const [, , , walletAccount] = (await client.request({ method: 'eth_accounts' })).map((a) => getAddress(a))
  const walletCalls = []
  await walletPage.exposeFunction('walletRequest', async (method, params) => {
    walletCalls.push(method)
    const forwarded = method === 'eth_requestAccounts' ? 'eth_accounts' : method
    const result = await client.request({ method: forwarded, params })
    return method === 'eth_requestAccounts' ? [walletAccount] : result
  })
  await walletPage.addInitScript(() => {
    window.ethereum = { request: ({ method, params }) => window.walletRequest(method, params ?? []) }
  })
  await walletPage.goto(appUrl)
  await walletPage.locator(`[data-testid=account][data-address="${walletAccount}"]`).getByTestId('membership').waitFor()
  assert.match(await walletPage.getByLabel('Account').textContent(), /wallet:/)
  const previous = page
  page = walletPage
  current = walletAccount
  await transact(page.getByRole('button', { name: 'Join the mutual' }), 'a member joins through the injected wallet')
  await buyNxm('1')
  assert.equal(await read('membership', 'isMember', [walletAccount]), true)
  assert.ok(walletCalls.includes('eth_sendTransaction'), `the wallet signed: ${[...new Set(walletCalls)].join(', ')}`)
  page = previous
  log(`passed; screenshots in ${outputDir}`)
} catch (error) {
  await screenshot('failure').catch(() => {})
  console.error(`journey: FAILED: ${error.stack ?? error}`)
  process.exitCode = 1
} finally {
  await browser.close()
}
