// jwksUrl: fetched with the runtime's fetch and cached like jose's createRemoteJWKSet (cacheMaxAge, cooldown on an
// unknown kid), bodies over 64 KiB refused, timeouts reported as ERR_JWKS_FETCH. A local HTTP server plays the issuer.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import * as jose from 'jose'
import { JwtVerifier, verifyJwt } from 'edgepg'

let server, base
const state = { body: '{"keys":[]}', hits: 0, delay: 0, status: 200 }
before(async () => {
  server = createServer((req, res) => {
    state.hits++
    setTimeout(() => {
      res.writeHead(state.status, { 'content-type': 'application/json' })
      res.end(state.body)
    }, state.delay)
  })
  await new Promise((r) => server.listen(0, '127.0.0.1', r))
  base = `http://127.0.0.1:${server.address().port}`
})
after(() => server.close())

async function keypair(kid) {
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256', { extractable: true })
  return { jwk: { ...(await jose.exportJWK(publicKey)), kid, alg: 'ES256' }, privateKey, kid }
}
const sign = (k) => new jose.SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'ES256', kid: k.kid }).setExpirationTime('5m').sign(k.privateKey)

test('cached for cacheMaxAge; an unknown kid refetches at most once per cooldown', async () => {
  const k1 = await keypair('k1')
  const k2 = await keypair('k2')
  state.body = JSON.stringify({ keys: [k1.jwk] })
  state.hits = 0
  let now = 1_000_000
  const v = new JwtVerifier({ jwksUrl: base + '/jwks', algorithms: ['ES256'], cache: false, clock: () => now, cacheMaxAge: 600_000, cooldownDuration: 30_000 })
  const t1 = await sign(k1)
  assert.equal((await v.verify(t1, { currentDate: new Date() })).sub, 'u')
  await v.verify(t1, { currentDate: new Date() })
  assert.equal(state.hits, 1, 'the key set is fetched once, then cached')

  // The issuer rotates to k2: a token with the unknown kid triggers one refetch (the cooldown has passed).
  state.body = JSON.stringify({ keys: [k1.jwk, k2.jwk] })
  now += 31_000
  const t2 = await sign(k2)
  assert.equal((await v.verify(t2, { currentDate: new Date() })).sub, 'u')
  assert.equal(state.hits, 2)
  // An unknown kid within the cooldown: no refetch, ERR_JWKS_NO_KEY.
  const k3 = await keypair('k3')
  await assert.rejects(v.verify(await sign(k3), { currentDate: new Date() }), { code: 'ERR_JWKS_NO_KEY' })
  assert.equal(state.hits, 2)
  // After cacheMaxAge the set is fetched again before verifying.
  now += 600_000
  await v.verify(t1, { currentDate: new Date() })
  assert.equal(state.hits, 3)
  v.dispose()
})

test('bodies over 64 KiB, HTTP errors and timeouts are ERR_JWKS_FETCH', async () => {
  const k = await keypair('big')
  const token = await sign(k)
  state.body = JSON.stringify({ keys: [k.jwk], padding: 'x'.repeat(70 * 1024) })
  await assert.rejects(verifyJwt(token, { jwksUrl: base + '/big', algorithms: ['ES256'] }), (e) => e.code === 'ERR_JWKS_FETCH' && /64 KiB/.test(e.message))
  state.body = JSON.stringify({ keys: [k.jwk] })
  state.status = 500
  await assert.rejects(verifyJwt(token, { jwksUrl: base + '/err', algorithms: ['ES256'] }), (e) => e.code === 'ERR_JWKS_FETCH' && /500/.test(e.message))
  state.status = 200
  state.delay = 500
  const t0 = Date.now()
  await assert.rejects(verifyJwt(token, { jwksUrl: base + '/slow', algorithms: ['ES256'], timeoutDuration: 100 }), (e) => e.code === 'ERR_JWKS_FETCH' && /timed out/.test(e.message))
  assert.ok(Date.now() - t0 < 450)
  state.delay = 0
  assert.equal((await verifyJwt(token, { jwksUrl: base + '/ok', algorithms: ['ES256'] })).sub, 'u')
})
