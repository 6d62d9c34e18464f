// The cloud token services' stand-ins (tests/support/cloud-servers.js) for the native e2e tests, plus a control
// server the C++ tests drive over loopback HTTP: set a service's behaviour, read the recorded requests, reset, and
// ask @aws-sdk/rds-signer for a token with given credentials at a given time (the differential). Prints one JSON line
// { "url", "control" } and runs until stdin closes or SIGTERM.
import { createServer } from 'node:http'
import { Signer } from '@aws-sdk/rds-signer'
import { startCloudServer } from '../support/cloud-servers.js'

const cloud = await startCloudServer()

async function rdsSignerToken({ hostname, port, username, region, credentials, epochSeconds }) {
  const RealDate = Date
  const ms = epochSeconds * 1000
  class FixedDate extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [ms]))
    }
    static now() {
      return ms
    }
  }
  globalThis.Date = FixedDate
  try {
    return await new Signer({ hostname, port, username, region, credentials }).getAuthToken()
  } finally {
    globalThis.Date = RealDate
  }
}

const control = createServer((req, res) => {
  const chunks = []
  req.on('data', (c) => chunks.push(c))
  req.on('end', async () => {
    const body = chunks.length ? JSON.parse(Buffer.concat(chunks).toString('utf8')) : {}
    const json = (value) => {
      const text = JSON.stringify(value)
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) })
      res.end(text)
    }
    try {
      if (req.url === '/reset') {
        cloud.requests.length = 0
        cloud.issued.length = 0
        cloud.behaviour = {}
        cloud.validTokens = null
        cloud.fixedCredentials = null
        cloud.credentialLifetime = null
        cloud.fixedAccessToken = null
        return json({})
      }
      if (req.url === '/behaviour') {
        Object.assign(cloud.behaviour, body)
        return json({})
      }
      if (req.url === '/settings') {
        if ('credentialLifetime' in body) cloud.credentialLifetime = body.credentialLifetime
        if ('fixedCredentials' in body) cloud.fixedCredentials = body.fixedCredentials
        if ('fixedAccessToken' in body) cloud.fixedAccessToken = body.fixedAccessToken
        if ('validTokens' in body) cloud.validTokens = body.validTokens ? new Set(body.validTokens) : null
        return json({})
      }
      if (req.url === '/requests') return json(cloud.requests)
      if (req.url === '/issued') return json(cloud.issued)
      if (req.url === '/rds-signer') return json({ token: await rdsSignerToken(body) })
      res.writeHead(404).end()
    } catch (e) {
      res.writeHead(500, { 'content-type': 'text/plain' }).end(String(e))
    }
  })
})
await new Promise((resolve) => control.listen(0, '127.0.0.1', resolve))

const stop = async () => {
  control.closeAllConnections?.()
  control.close()
  await cloud.close()
  process.exit(0)
}
process.on('SIGTERM', stop)
process.stdin.on('end', stop)
process.stdin.resume()
process.stdout.write(JSON.stringify({ url: cloud.url, control: `http://127.0.0.1:${control.address().port}` }) + '\n')
