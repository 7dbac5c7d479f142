// The member app's dev server. What it serves the app comes from the project's own outputs,
// never copied by hand: the ABIs from deploy/abi/ (scripts/export-abi.sh), bundled by
// src/contracts.ts, and the deployment record the deployer wrote (MUTUAL_DEPLOYMENT), served
// with the node's URL as /config.json. The KYC signer (kyc-signer.mjs) is proxied at /kyc, so
// the browser talks to the app's origin and the node only.
//
//   MUTUAL_DEPLOYMENT  deployment record (default ../deploy/deployments/local.json)
//   MUTUAL_RPC_URL     the node's JSON-RPC URL (default: the record's rpcUrl, else 127.0.0.1:8547)
//   MUTUAL_KYC_URL     the KYC signer (default http://127.0.0.1:8548)
//   MUTUAL_DEV_METHODS "1" when the node has the anvil-style dev methods (time travel)
import { readFileSync } from 'node:fs'
import { dirname, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { defineConfig, type Plugin } from 'vite'

const here = dirname(fileURLToPath(import.meta.url))
const root = resolve(here, '..')
const deploymentPath = resolve(process.env.MUTUAL_DEPLOYMENT ?? `${root}/deploy/deployments/local.json`)
const kycUrl = process.env.MUTUAL_KYC_URL ?? 'http://127.0.0.1:8548'

function appConfig(): Plugin {
  const config = () => {
    const deployment = JSON.parse(readFileSync(deploymentPath, 'utf8'))
    return {
      rpcUrl: process.env.MUTUAL_RPC_URL ?? deployment.rpcUrl ?? 'http://127.0.0.1:8547',
      kycUrl: '/kyc',
      devMethods: process.env.MUTUAL_DEV_METHODS === '1',
      deployment,
    }
  }
  return {
    name: 'mutual-config',
    configureServer(server) {
      server.middlewares.use('/config.json', (_req, res) => {
        res.setHeader('content-type', 'application/json')
        res.end(JSON.stringify(config()))
      })
    },
  }
}

export default defineConfig({
  plugins: [appConfig()],
  server: {
    host: '127.0.0.1',
    strictPort: true,
    fs: { allow: [root] },
    proxy: { '/kyc': { target: kycUrl, rewrite: (path) => path.replace(/^\/kyc/, '') } },
  },
})
