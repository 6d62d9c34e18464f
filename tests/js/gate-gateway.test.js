// identityGate's gateway mode: the edge function holds no database password and no keys. Each request's bearer
// token becomes its own connection to a real edgepg-gateway, which verifies it and logs in AS the mapped role; the
// handler sees the claims and role the gateway decided, row-level security filters by them, and the gateway's
// refusals come back as the same 401/403 answers local verification gives.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { WebSocket } from 'ws'
import { identityGate } from 'edgepg'
import { getServices } from '../support/env.js'
import { DATABASE, prepareDatabase, startGateway, token } from '../support/gateway.js'

let svc, gw, gate

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  gw = await startGateway(svc)
  gate = identityGate({ gateway: { webSocketUrl: gw.wsUrl(), host: '127.0.0.1', port: svc.pgPort, database: DATABASE,
    user: 'gw_user', webSocketConstructor: WebSocket } })
})
after(async () => {
  await gate?.end()
  await gw?.stop()
})

const request = (tok) => new Request('https://app.example/notes', { headers: tok ? { authorization: `Bearer ${tok}` } : {} })
const handler = async (db, claims, role) => {
  const rows = (await db.query('select owner from secrets order by owner')).rows.map((r) => r.owner)
  const me = (await db.query('select current_user as u, edgepg.sub() as sub')).rows[0]
  return Response.json({ sub: claims.sub ?? null, role, rows, me })
}

test('a valid token: the gateway logs in as its role; claims, role and RLS are what the gateway decided', async () => {
  const res = await gate.handle(request(await token({ sub: 'alice', role: 'gw_user' })), handler)
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { sub: 'alice', role: 'gw_user', rows: ['alice'], me: { u: 'gw_user', sub: 'alice' } })
})

test("the gateway's refusals are the usual answers: expired 401, role not allowed 403, garbage 401", async () => {
  const expired = await gate.handle(request(await token({ sub: 'bob', role: 'gw_user' }, { exp: '-1m' })), handler)
  assert.equal(expired.status, 401)
  assert.equal((await expired.json()).error, 'ERR_JWT_EXPIRED')
  assert.match(expired.headers.get('www-authenticate'), /invalid_token/)
  const tok = await token({ sub: 'mallory', role: 'postgres' })
  const forbidden = await gate.handle(request(tok), handler)
  assert.equal(forbidden.status, 403)
  const body = await forbidden.json()
  assert.equal(body.error, 'ERR_JWT_ROLE_NOT_ALLOWED')
  assert.ok(!JSON.stringify(body).includes(tok))
  const garbage = await gate.handle(request('not.a.token'), handler)
  assert.equal(garbage.status, 401)
})

test('no token: the gateway decides (its anonymous_role here), and RLS shows nothing of anybody', async () => {
  const res = await gate.handle(request(null), async (db, claims, role) => {
    const n = (await db.query('select count(*)::int as n from notes')).rows[0].n
    return Response.json({ role, n })
  })
  assert.equal(res.status, 200)
  assert.deepEqual(await res.json(), { role: 'gw_anon', n: 0 })  // RLS on notes: no policy for gw_anon, no row
})

test('gateway mode takes no password and no keys; allowedRoles at the edge is checked again', async () => {
  assert.throws(() => identityGate({ gateway: { webSocketUrl: gw.wsUrl(), password: 'x' } }), (e) => e.code === 'EINVAL')
  assert.throws(() => identityGate({ gateway: { host: 'db' } }), (e) => e.code === 'EINVAL')
  const narrow = identityGate({ allowedRoles: ['gw_admin'], gateway: { webSocketUrl: gw.wsUrl(), host: '127.0.0.1',
    port: svc.pgPort, database: DATABASE, user: 'gw_user', webSocketConstructor: WebSocket } })
  const res = await narrow.handle(request(await token({ sub: 'carol', role: 'gw_user' })), handler)
  assert.equal(res.status, 403)
  await narrow.end()
})
