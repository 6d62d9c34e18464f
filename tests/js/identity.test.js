// identityGate against the real PostgreSQL with row-level security (examples/rls): tokens become roles and claims,
// failures become HTTP answers.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as jose from 'jose'
import { identityGate, Client } from 'edgepg'
import { getServices, clientConfig } from '../support/env.js'
import { psql } from '../support/services.js'
import { makeNotesHandler } from '../../examples/rls/handler.js'

const SECRET = new TextEncoder().encode('an-hs256-secret-of-at-least-32-bytes!!')
const AUTH_PASSWORD = 'authenticator-pw-1'
let svc, handler, rs

before(async () => {
  svc = await getServices()
  psql(svc, 'drop database if exists rls_demo', 'create database rls_demo')
  psql({ ...svc, database: 'rls_demo' }, readFileSync(new URL('../../examples/rls/schema.sql', import.meta.url), 'utf8'))
  psql(svc, `alter role authenticator password '${AUTH_PASSWORD}'`)
  handler = makeNotesHandler({ ...connection(), secret: SECRET, issuer: 'https://issuer.example', audience: 'notes' })
  const pair = await jose.generateKeyPair('RS256', { extractable: true })
  rs = { ...pair, jwks: { keys: [{ ...(await jose.exportJWK(pair.publicKey)), kid: 'rs1', alg: 'RS256' }] } }
})
after(async () => {
  await handler?.gate.end()
})

function connection() {
  return { ...clientConfig(svc), user: 'authenticator', password: AUTH_PASSWORD, database: 'rls_demo' }
}

function token(claims, { exp = '10m', secret = SECRET, iss = 'https://issuer.example', aud = 'notes' } = {}) {
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(iss).setAudience(aud).setIssuedAt()
    .setExpirationTime(exp).sign(secret)
}

function get(tok, init = {}) {
  const headers = tok === undefined ? {} : { authorization: tok.startsWith('Bearer') || tok === '' ? tok : 'Bearer ' + tok }
  return handler(new Request('http://edge.test/notes', { ...init, headers: { ...headers, ...init.headers } }))
}

test('user A sees only A rows, user B only B rows, current_user is the mapped role', async () => {
  const a = await (await get(await token({ sub: 'alice', role: 'app_user' }))).json()
  assert.deepEqual(a.notes.map((n) => n.owner), ['alice', 'alice'])
  assert.ok(a.notes.every((n) => n.as_role === 'app_user'))
  const b = await (await get(await token({ sub: 'bob', role: 'app_user' }))).json()
  assert.deepEqual(b.notes.map((n) => n.body), ["bob's private note"])
  const admin = await (await get(await token({ sub: 'root', role: 'app_admin' }))).json()
  assert.equal(admin.notes.length, 3)
})

test('anonymous sees only public rows; writes as anonymous are 401', async () => {
  const res = await get(undefined)
  assert.equal(res.status, 200)
  const body = await res.json()
  assert.deepEqual(body.notes.map((n) => n.body), ["alice's public note"])
  assert.ok(body.notes.every((n) => n.as_role === 'anon'))
  const post = await handler(new Request('http://edge.test/notes', { method: 'POST', body: JSON.stringify({ body: 'x' }) }))
  assert.equal(post.status, 401)
  assert.equal((await post.json()).error, '42501')
})

test('writes go through RLS with check: a user can add only their own rows', async () => {
  const tok = await token({ sub: 'carol', role: 'app_user' })
  const res = await get(tok, { method: 'POST', body: JSON.stringify({ body: 'carol note' }) })
  assert.equal(res.status, 201)
  const mine = await (await get(tok)).json()
  assert.deepEqual(mine.notes.map((n) => n.body), ['carol note'])
})

test('expired, tampered, wrong-issuer and malformed tokens are 401 with an RFC 6750 challenge; the token is never echoed', async () => {
  const cases = [
    [await token({ sub: 'alice', role: 'app_user' }, { exp: Math.floor(Date.now() / 1000) - 3600 }), 'ERR_JWT_EXPIRED'],
    [await token({ sub: 'alice', role: 'app_user' }, { secret: new TextEncoder().encode('x'.repeat(40)) }), 'ERR_JWT_SIGNATURE'],
    [await token({ sub: 'alice', role: 'app_user' }, { iss: 'https://evil.example' }), 'ERR_JWT_CLAIM'],
    ['Bearer not-a-jwt', 'ERR_JWT_MALFORMED'],
    ['Basic dXNlcjpwYXNz', 'ERR_JWT_MALFORMED'],
  ]
  for (const [tok, code] of cases) {
    const res = await get(tok)
    assert.equal(res.status, 401, code)
    const www = res.headers.get('www-authenticate')
    assert.match(www, /^Bearer realm="edgepg", error="invalid_token", error_description="[^"]*"$/)
    const text = await res.text()
    assert.equal(JSON.parse(text).error, code)
    const raw = tok.replace(/^Bearer /, '')
    assert.ok(!text.includes(raw) && !www.includes(raw), 'token echoed')
  }
})

test('a missing header is 401 without an error attribute when there is no anonymous role', async () => {
  const gate = identityGate({ ...connection(), secret: SECRET, allowedRoles: ['app_user'] })
  const res = await gate.handle(new Request('http://edge.test/'), async () => new Response('never'))
  assert.equal(res.status, 401)
  assert.equal(res.headers.get('www-authenticate'), 'Bearer realm="edgepg"')
  await gate.end()
})

test('roles outside the allowlist are 403 and never reach SQL', async () => {
  for (const role of ['postgres', 'authenticator; drop table notes', '"admin"', 'authenticator']) {
    const res = await get(await token({ sub: 'mallory', role }))
    assert.equal(res.status, 403, role)
    assert.equal((await res.json()).error, 'ERR_JWT_ROLE_NOT_ALLOWED')
  }
  const c = new Client(connection())
  await c.connect()
  assert.equal((await c.query('select count(*)::int as n from pg_tables where tablename = $1', ['notes'])).rows[0].n, 1)
  await c.end()
})

test('roleClaim as a dotted path or a function; RS256 via JWKS', async () => {
  const gate = identityGate({ ...connection(), jwks: rs.jwks, algorithms: ['RS256'], roleClaim: 'app_metadata.roles', allowedRoles: ['app_user'] })
  const tok = await new jose.SignJWT({ sub: 'alice', app_metadata: { roles: ['viewer', 'app_user'] } })
    .setProtectedHeader({ alg: 'RS256', kid: 'rs1' }).setExpirationTime('5m').sign(rs.privateKey)
  const r = await gate.run(tok, async (db) => (await db.query('select current_user as u, count(*)::int as n from notes')).rows[0])
  assert.deepEqual(r, { u: 'app_user', n: 2 })
  await gate.end()
  const fnGate = identityGate({ ...connection(), secret: SECRET, roleClaim: (c) => (c.groups?.includes('admins') ? 'app_admin' : 'app_user'), allowedRoles: ['app_user', 'app_admin'] })
  const u = await fnGate.run(await token({ sub: 'z', groups: ['admins'] }), async (db) => (await db.query('select current_user as u')).rows[0].u)
  assert.equal(u, 'app_admin')
  await fnGate.end()
})

test('after the unit of work the connection is back to the authenticator, claims cleared', async () => {
  const pool = handler.gate.pool
  const c = await pool.connect()
  const r = await c.query("select current_user as u, coalesce(current_setting('request.jwt.claims', true), '') as claims")
  c.release()
  assert.equal(r.rows[0].u, 'authenticator')
  assert.equal(r.rows[0].claims, '')
})

test('a database that cannot be reached is 503; a verified token is cached and invalidateSubject revokes it', async () => {
  const dead = identityGate({ ...connection(), webSocketUrl: 'ws://127.0.0.1:1/v1', secret: SECRET, allowedRoles: ['app_user'], connectionTimeoutMillis: 2000 })
  const res = await dead.handle(new Request('http://x/', { headers: { authorization: 'Bearer ' + (await token({ sub: 'a', role: 'app_user' })) } }), async () => new Response('no'))
  assert.equal(res.status, 503)
  assert.equal((await res.json()).error, 'ECONNREFUSED')
  await dead.end()

  // A gate with a clock we control: the second request with the same token skips verification (cached), an expired
  // one is refused even though it was cached, and invalidateSubject revokes the subject's tokens issued until then.
  let now = Date.now()
  const gate = identityGate({ ...connection(), secret: SECRET, allowedRoles: ['app_user'], clock: () => now })
  const tok = await token({ sub: 'dave', role: 'app_user' }, { exp: Math.floor(now / 1000) + 60 })
  const who = async (t = tok) => gate.run(t, async (db) => (await db.query('select current_user as u')).rows[0].u)
  assert.equal(await who(), 'app_user')
  assert.equal(await who(), 'app_user')
  now += 2_000 // the token's iat (real time, whole seconds) is now surely before the revocation
  gate.invalidateSubject('dave')
  await assert.rejects(who(), { code: 'ERR_JWT_REVOKED' })
  const fresh = await new jose.SignJWT({ sub: 'dave', role: 'app_user' }).setProtectedHeader({ alg: 'HS256' })
    .setIssuer('https://issuer.example').setAudience('notes').setIssuedAt(Math.floor(now / 1000) + 1)
    .setExpirationTime(Math.floor(now / 1000) + 60).sign(SECRET)
  assert.equal(await who(fresh), 'app_user')
  now += 120_000
  await assert.rejects(who(fresh), { code: 'ERR_JWT_EXPIRED' })
  await gate.end()
})
