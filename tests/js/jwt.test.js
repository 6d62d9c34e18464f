// JWT verification in the wasm core against panva/jose: every algorithm, valid and broken tokens, same verdicts.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as jose from 'jose'
import { verifyJwt, JwtVerifier, EdgepgError } from 'edgepg'

const ALGS = ['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'HS256', 'HS384', 'HS512']
const ISS = 'https://issuer.example'
const AUD = 'edgepg-test'
const NOW = Math.floor(Date.now() / 1000)

// jose's error codes mapped to ours.
const JOSE_TO_OURS = {
  ERR_JWS_SIGNATURE_VERIFICATION_FAILED: 'ERR_JWT_SIGNATURE',
  ERR_JWT_EXPIRED: 'ERR_JWT_EXPIRED',
  ERR_JWKS_NO_MATCHING_KEY: 'ERR_JWKS_NO_KEY',
  ERR_JWS_INVALID: 'ERR_JWT_MALFORMED',
  ERR_JWT_INVALID: 'ERR_JWT_MALFORMED',
  ERR_JOSE_ALG_NOT_ALLOWED: 'ERR_JWT_ALG',
}
function joseVerdict(e) {
  if (e.code === 'ERR_JWT_CLAIM_VALIDATION_FAILED') return e.claim === 'nbf' ? 'ERR_JWT_NOT_YET_VALID' : 'ERR_JWT_CLAIM'
  return JOSE_TO_OURS[e.code] ?? e.code
}

async function keysFor(alg) {
  if (alg.startsWith('HS')) {
    const secret = crypto.getRandomValues(new Uint8Array(64))
    return { signKey: secret, verifyOpts: { secret }, joseKey: secret }
  }
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined, extractable: true })
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k-' + alg, alg, use: 'sig' }
  const jwks = { keys: [jwk] }
  return { signKey: privateKey, verifyOpts: { jwks, algorithms: [alg] }, joseKey: jose.createLocalJWKSet(jwks), kid: jwk.kid }
}

function tamper(token) {
  const [h, p, s] = token.split('.')
  const i = Math.floor(s.length / 2)
  const c = s[i] === 'A' ? 'B' : 'A'
  return [h, p, s.slice(0, i) + c + s.slice(i + 1)].join('.')
}

test('edgepg agrees with jose on every algorithm and every broken-token case', async () => {
  let compared = 0
  for (const alg of ALGS) {
    const k = await keysFor(alg)
    const sign = (claims, header = {}) =>
      new jose.SignJWT({ sub: 'alice', ...claims }).setProtectedHeader({ alg, kid: k.kid, ...header }).sign(k.signKey)
    const base = { iss: ISS, aud: AUD, iat: NOW, exp: NOW + 600 }
    const cases = {
      valid: await sign(base),
      tampered: tamper(await sign(base)),
      expired: await sign({ ...base, exp: NOW - 120 }),
      'expired within tolerance': await sign({ ...base, exp: NOW - 10 }),
      'not yet valid': await sign({ ...base, nbf: NOW + 3600 }),
      'wrong issuer': await sign({ ...base, iss: 'https://evil.example' }),
      'wrong audience': await sign({ ...base, aud: 'other' }),
      'audience array': await sign({ ...base, aud: ['x', AUD] }),
    }
    if (k.kid) cases['wrong kid'] = await sign(base, { kid: 'nope' })
    for (const [name, token] of Object.entries(cases)) {
      const expected = await jose.jwtVerify(token, k.joseKey, { issuer: ISS, audience: AUD, algorithms: [alg], clockTolerance: 30 })
        .then((r) => ({ ok: r.payload }), (e) => ({ error: joseVerdict(e) }))
      const actual = await verifyJwt(token, { ...k.verifyOpts, issuer: ISS, audience: AUD, clockTolerance: 30 })
        .then((claims) => ({ ok: claims }), (e) => {
          assert.ok(e instanceof EdgepgError, `${alg} ${name}: ${e}`)
          assert.ok(!e.message.includes(token), 'the token leaked into the message')
          return { error: e.code }
        })
      assert.deepEqual(actual, expected, `${alg}: ${name}`)
      compared++
    }
  }
  assert.ok(compared >= 13 * 8)
})

test('RFC 7515 A.1 HS256 example verifies with its key and fixed clock', async () => {
  const token = 'eyJ0eXAiOiJKV1QiLA0KICJhbGciOiJIUzI1NiJ9.eyJpc3MiOiJqb2UiLA0KICJleHAiOjEzMDA4MTkzODAsDQogImh0dHA6Ly9leGFtcGxlLmNvbS9pc19yb290Ijp0cnVlfQ.dBjftJeZ4CVP-mB92K27uhbUJU1p1r_wW1gFWFOEjXk'
  const jwk = { kty: 'oct', k: 'AyM1SysPpbyDfgZld3umj1qzKObwVMkoqQ-EstJQLr_T-1qS0gZH75aKtMN3Yj0iPS4hcgUuTwjAzZr1Z9CAow' }
  const secret = jose.base64url.decode(jwk.k)
  const claims = await verifyJwt(token, { secret, currentDate: new Date(1300819300 * 1000) })
  assert.equal(claims.iss, 'joe')
  assert.equal(claims['http://example.com/is_root'], true)
  await assert.rejects(verifyJwt(token, { secret, currentDate: new Date(1300819380 * 1000 + 31000) }), { code: 'ERR_JWT_EXPIRED' })
})

test('attacks are refused with the right code', async () => {
  const { publicKey, privateKey } = await jose.generateKeyPair('RS256', { extractable: true })
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'rsa' }
  const jwks = { keys: [jwk] }
  const opts = { jwks, algorithms: ['RS256'] }
  const payload = jose.base64url.encode(JSON.stringify({ sub: 'mallory', role: 'postgres', exp: NOW + 600 }))

  const none = jose.base64url.encode(JSON.stringify({ alg: 'none' })) + '.' + payload + '.'
  await assert.rejects(verifyJwt(none, opts), (e) => ['ERR_JWT_ALG', 'ERR_JWT_MALFORMED'].includes(e.code))
  await assert.rejects(verifyJwt(none, { ...opts, algorithms: ['none'] }), (e) => e.code.startsWith('ERR_JWT') || e.code === 'EINVAL')

  // HS256 signed with the RSA public key's PEM as the secret, presented to an RSA key set.
  const pem = await jose.exportSPKI(publicKey)
  const confused = await new jose.SignJWT({ sub: 'mallory' }).setProtectedHeader({ alg: 'HS256', kid: 'rsa' }).setExpirationTime('1h').sign(new TextEncoder().encode(pem))
  await assert.rejects(verifyJwt(confused, opts), (e) => ['ERR_JWT_ALG', 'ERR_JWKS_NO_KEY'].includes(e.code))
  await assert.rejects(verifyJwt(confused, { ...opts, algorithms: ['RS256', 'HS256'] }), (e) => ['ERR_JWT_ALG', 'ERR_JWKS_NO_KEY'].includes(e.code))

  // kid pointing at another key type.
  const ec = await jose.generateKeyPair('ES256', { extractable: true })
  const mixed = { keys: [jwk, { ...(await jose.exportJWK(ec.publicKey)), kid: 'ec' }] }
  const rsSignedEcKid = await new jose.SignJWT({ sub: 'x' }).setProtectedHeader({ alg: 'RS256', kid: 'ec' }).setExpirationTime('1h').sign(privateKey)
  await assert.rejects(verifyJwt(rsSignedEcKid, { jwks: mixed, algorithms: ['RS256', 'ES256'] }), (e) => ['ERR_JWT_ALG', 'ERR_JWKS_NO_KEY'].includes(e.code))

  // A 10 MB token and non-base64url characters.
  const huge = 'a'.repeat(10 * 1024 * 1024) + '.b.c'
  const t0 = performance.now()
  await assert.rejects(verifyJwt(huge, opts), { code: 'ERR_JWT_MALFORMED' })
  assert.ok(performance.now() - t0 < 1000)
  await assert.rejects(verifyJwt('ab$c.def.ghi', opts), { code: 'ERR_JWT_MALFORMED' })
  await assert.rejects(verifyJwt('only.two', opts), { code: 'ERR_JWT_MALFORMED' })

  // Asymmetric keys without an algorithm allowlist are a configuration error.
  assert.throws(() => new JwtVerifier({ jwks }), { code: 'EINVAL' })
})
