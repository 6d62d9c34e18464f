// invalidateSubject revokes (issue #12): a demoted user's tokens issued at or before the revocation are refused with
// ERR_JWT_REVOKED, cached or fresh, until a newer token comes; revocations are forgotten after revocationRetention.
// HS256 tokens signed with jose, an injected clock; no services (identityGate gets a stand-in pool).
import { test } from 'node:test'
import assert from 'node:assert/strict'
import * as jose from 'jose'
import { JwtVerifier, identityGate } from 'edgepg'

const SECRET = new TextEncoder().encode('an-hs256-secret-of-at-least-32-bytes!!')
const T0 = Date.UTC(2025, 0, 1) // ms
const sec = (ms) => Math.floor(ms / 1000)

// A token for sub issued at iatMs (null: no iat), valid for 3 days.
function token(sub, iatMs, extra = {}) {
  const jwt = new jose.SignJWT({ sub, role: 'app_user', ...extra }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime(sec(T0) + 3 * 86400)
  if (iatMs !== null) jwt.setIssuedAt(sec(iatMs))
  return jwt.sign(SECRET)
}

const REVOKED = (e) => e.code === 'ERR_JWT_REVOKED' && /issued at or before .* were revoked; get a new token/.test(e.message)

test('invalidateSubject refuses the tokens issued at or before it, cached or fresh, and accepts a newer one', async () => {
  let now = T0
  const v = new JwtVerifier({ secret: SECRET, clock: () => now })
  const old = await token('alice', now - 60_000)
  const bobs = await token('bob', now - 60_000)
  assert.equal((await v.verify(old)).sub, 'alice')
  assert.equal((await v.verify(old)).sub, 'alice') // cached
  assert.equal((await v.verify(bobs)).sub, 'bob')

  now += 10_000
  v.invalidateSubject('alice') // alice was demoted
  await assert.rejects(v.verify(old), REVOKED, 'the cached verification no longer counts')
  await assert.rejects(v.verify(old), REVOKED, 'nor does verifying it afresh')
  const sameSecond = await token('alice', now)
  await assert.rejects(v.verify(sameSecond), REVOKED, 'issued in the second of the revocation: refused')
  await assert.rejects(v.verify(await token('alice', null)), REVOKED, 'no iat: refused')
  assert.equal((await v.verify(bobs)).sub, 'bob', 'other subjects are untouched')

  now += 2_000
  const fresh = await token('alice', now) // the new token, with the new role
  assert.equal((await v.verify(fresh)).sub, 'alice')
  assert.equal((await v.verify(fresh)).sub, 'alice')
  await assert.rejects(v.verify(old), REVOKED, 'a newer token does not bring the old one back')

  // Without a cache (verifyJwt's verifiers) the revocation holds too.
  const uncached = new JwtVerifier({ secret: SECRET, clock: () => now, cache: false })
  uncached.invalidateSubject('alice')
  await assert.rejects(uncached.verify(old), REVOKED)
  v.dispose()
  uncached.dispose()
})

test('invalidateSubject(sub, atMs): the revocation time is given; revoking again never moves it back', async () => {
  const now = T0
  const v = new JwtVerifier({ secret: SECRET, clock: () => now })
  const early = await token('carol', T0 - 3_600_000)
  const late = await token('carol', T0 - 60_000)
  assert.equal((await v.verify(late)).sub, 'carol')
  v.invalidateSubject('carol', T0 - 600_000) // the role changed ten minutes ago
  await assert.rejects(v.verify(early), REVOKED)
  assert.equal((await v.verify(late)).sub, 'carol', 'issued after atMs: accepted')
  v.invalidateSubject('carol', T0 - 30_000)
  await assert.rejects(v.verify(late), REVOKED)
  v.invalidateSubject('carol', T0 - 7_200_000) // an older revocation arriving late
  await assert.rejects(v.verify(late), REVOKED)
  assert.throws(() => v.invalidateSubject('carol', Number.NaN), { code: 'EINVAL' })
  assert.throws(() => v.invalidateSubject(undefined), { code: 'EINVAL' })
  v.dispose()
})

test('revocations are forgotten after revocationRetention: default the larger of maxTokenAge and 24 h', async () => {
  let now = T0
  const tok = await token('dave', T0 - 10_000)
  const cases = [
    [{}, 24 * 3600_000],
    [{ revocationRetention: '1h' }, 3600_000],
    [{ maxTokenAge: '2d' }, 2 * 86400_000],
  ]
  for (const [options, retention] of cases) {
    now = T0
    const v = new JwtVerifier({ secret: SECRET, clock: () => now, ...options })
    v.invalidateSubject('dave')
    now = T0 + retention - 1
    await assert.rejects(v.verify(tok), REVOKED, JSON.stringify(options))
    now = T0 + retention
    assert.equal((await v.verify(tok)).sub, 'dave', JSON.stringify(options))
    v.dispose()
  }
  // Many revocations: each is still enforced while it lasts (the sweeps drop only the expired ones).
  now = T0
  const v = new JwtVerifier({ secret: SECRET, clock: () => now, revocationRetention: '1h' })
  for (let i = 0; i < 500; i++) {
    v.invalidateSubject('user' + i)
    now += 10_000 // 500 revocations over 5000 s: the first ones expire along the way
  }
  await assert.rejects(v.verify(await token('user499', T0)), REVOKED)
  await assert.rejects(v.verify(await token('user200', T0)), REVOKED) // revoked 3000 s ago
  assert.equal((await v.verify(await token('user100', T0))).sub, 'user100') // revoked 4000 s ago: forgotten
  v.dispose()
})

test('identityGate: after invalidateSubject the old token is 401 ERR_JWT_REVOKED, a new one passes', async () => {
  let now = T0
  // A stand-in for a pooled connection: BEGIN/COMMIT/ROLLBACK move its transaction status, queries return no rows.
  const client = {
    transactionStatus: 'I',
    async query(q) {
      const text = typeof q === 'string' ? q : q.text
      if (text === 'BEGIN') this.transactionStatus = 'T'
      if (text === 'COMMIT' || text === 'ROLLBACK') this.transactionStatus = 'I'
      return { command: text.split(' ')[0].toUpperCase(), rows: [] }
    },
    release() {},
  }
  const pool = { connect: async () => client, end: async () => {} }
  const gate = identityGate({ secret: SECRET, allowedRoles: ['app_user'], pool, clock: () => now })
  const request = (tok) => new Request('http://edge.test/', { headers: { authorization: 'Bearer ' + tok } })
  const ok = async (_db, claims, role) => new Response(`${claims.sub} as ${role}`)
  const old = await token('erin', now - 1_000)
  assert.equal(await (await gate.handle(request(old), ok)).text(), 'erin as app_user')
  now += 5_000
  gate.invalidateSubject('erin')
  const res = await gate.handle(request(old), ok)
  assert.equal(res.status, 401)
  assert.equal((await res.json()).error, 'ERR_JWT_REVOKED')
  assert.match(res.headers.get('www-authenticate'), /error="invalid_token"/)
  now += 1_000
  assert.equal(await (await gate.handle(request(await token('erin', now)), ok)).text(), 'erin as app_user')
  await gate.end()
})
