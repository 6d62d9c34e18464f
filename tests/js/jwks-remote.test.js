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

// Issue #12: a key the issuer drops must stop verifying at once, cached verifications included (jose, on the
// refreshed set, says ERR_JWKS_NO_MATCHING_KEY), and a cache hit must not outlive the set's cacheMaxAge.
test('a key removed from the JWKS takes its cached verifications with it; cache hits honour cacheMaxAge', async () => {
  const k1 = await keypair('r1')
  const k2 = await keypair('r2')
  const long = (k, header = { kid: k.kid }) =>
    new jose.SignJWT({ sub: 'u' }).setProtectedHeader({ alg: 'ES256', ...header }).setExpirationTime('2h').sign(k.privateKey)
  state.body = JSON.stringify({ keys: [k1.jwk, k2.jwk] })
  state.hits = 0
  let now = Date.now()
  const v = new JwtVerifier({ jwksUrl: base + '/rotate', algorithms: ['ES256'], clock: () => now, cacheMaxAge: 600_000, cooldownDuration: 30_000 })
  const t1 = await long(k1)
  const t2 = await long(k2)
  assert.equal((await v.verify(t1)).sub, 'u')
  assert.equal((await v.verify(t2)).sub, 'u')
  assert.equal((await v.verify(t1)).sub, 'u') // cached
  assert.equal(state.hits, 1)

  // The issuer drops k1 (say it leaked). Within cacheMaxAge the cached set still holds it, as with jose.
  state.body = JSON.stringify({ keys: [k2.jwk] })
  now += 60_000
  assert.equal((await v.verify(t1)).sub, 'u')
  assert.equal(state.hits, 1)
  // Past cacheMaxAge a cache hit refetches the set first, as a miss does.
  now += 600_000
  assert.equal((await v.verify(t2)).sub, 'u', 'k2 is still in the set')
  assert.equal(state.hits, 2, 'the hit refetched the stale set')
  await assert.rejects(v.verify(t1), { code: 'ERR_JWKS_NO_KEY' }, 'the cached verification made with k1 was dropped')
  await assert.rejects(v.verify(t1), { code: 'ERR_JWKS_NO_KEY' })
  assert.equal(state.hits, 2, 'no extra fetch within the cooldown')

  // A key replaced under the same kid: verifications made with the old material go too.
  const k2b = await keypair('r2')
  state.body = JSON.stringify({ keys: [k2b.jwk] })
  now += 600_000
  await assert.rejects(v.verify(t2), { code: 'ERR_JWT_SIGNATURE' })
  assert.equal(state.hits, 3)

  // Without a kid the key is chosen from the whole set: any change of the set drops those verifications.
  const k3 = await keypair(undefined) // kid: undefined, left out of the JSON
  const k4 = await keypair(undefined)
  state.body = JSON.stringify({ keys: [k3.jwk] })
  now += 600_000
  const t3 = await long(k3, {})
  assert.equal((await v.verify(t3)).sub, 'u')
  assert.equal((await v.verify(t3)).sub, 'u')
  state.body = JSON.stringify({ keys: [k4.jwk] })
  now += 600_000
  await assert.rejects(v.verify(t3), { code: 'ERR_JWT_SIGNATURE' })
  v.dispose()
})
