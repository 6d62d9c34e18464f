// edgepg-gateway end to end: clients nobody here wrote (psql, node-postgres over TCP, Neon's driver over WebSocket
// with its pipelined login) and edgepg's own client reach the real PostgreSQL through the gateway with nothing but a
// token; the gateway logs in AS the mapped role with credentials only it holds. Refusals are PostgreSQL errors
// (28000) or HTTP answers, and open no upstream connection. The audit trail never holds a token.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import pg from 'pg'
import { WebSocket } from 'ws'
import { Client as NeonClient, neonConfig } from '@neondatabase/serverless'
import { Client } from 'edgepg'
import { getServices } from '../support/env.js'
import { psql } from '../support/services.js'
import { DATABASE, ROLE_PASSWORDS, prepareDatabase, startGateway, token } from '../support/gateway.js'

const run = promisify(execFile)
let svc, gw
const secrets = new Set(Object.values(ROLE_PASSWORDS))

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  gw = await startGateway(svc)
})
after(async () => {
  await gw?.stop()
})

const pgConfig = (password, extra = {}) => ({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE, password, ...extra })
const whoSql = "select current_user as u, current_setting('request.jwt.claims', true)::json ->> 'sub' as sub, (select string_agg(owner, ',' order by id) from notes) as owners"
const upstreamSessions = () => Number(psql(svc, "select count(*) from pg_stat_activity where usename in ('gw_user', 'gw_admin', 'gw_anon')").trim())

async function viaPg(password, extra) {
  const c = new pg.Client(pgConfig(password, extra))
  await c.connect()
  try {
    return (await c.query(whoSql)).rows[0]
  } finally {
    await c.end()
  }
}

test('psql with PGPASSWORD=token: the login is the mapped role, RLS sees the claims', async () => {
  const tok = await token({ sub: 'alice', role: 'gw_user' })
  secrets.add(tok)
  const { stdout } = await run('psql', ['-h', '127.0.0.1', '-p', String(gw.postgres), '-U', 'gw_user', '-d', DATABASE, '-At', '-c', whoSql],
    { env: { ...process.env, PGPASSWORD: tok, PGSSLMODE: 'disable' } })
  assert.equal(stdout.trim(), 'gw_user|alice|alice')
})

test('node-postgres over TCP: roles from the token, the startup user picks among them, anonymous without a token', async () => {
  const bob = await token({ sub: 'bob', role: 'gw_user' })
  assert.deepEqual(await viaPg(bob), { u: 'gw_user', sub: 'bob', owners: 'bob' })
  const both = await token({ sub: 'root', role: ['gw_user', 'gw_admin'] })
  assert.deepEqual(await viaPg(both, { user: 'gw_admin' }), { u: 'gw_admin', sub: 'root', owners: 'alice,bob' })
  assert.equal((await viaPg(both, { user: 'someone_else' })).u, 'gw_user') // not granted: the token's first role
  assert.equal((await viaPg('')).u, 'gw_anon') // no token: anonymous_role
})

test("Neon's driver over WebSocket with its pipelined login (startup + password + query in one go)", async () => {
  const tok = await token({ sub: 'alice', role: 'gw_user' })
  neonConfig.webSocketConstructor = WebSocket
  neonConfig.wsProxy = (host, port) => `127.0.0.1:${gw.websocket}/v2?address=${host}:${port}`
  neonConfig.useSecureWebSocket = false
  neonConfig.pipelineTLS = false
  neonConfig.pipelineConnect = 'password'
  const c = new NeonClient({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE, password: tok })
  await c.connect()
  const r = (await c.query(whoSql)).rows[0]
  await c.end()
  assert.deepEqual(r, { u: 'gw_user', sub: 'alice', owners: 'alice' })
})

test("edgepg's client over WebSocket: the token as password (requireAuth: 'password'), or as a Bearer header", async () => {
  const tok = await token({ sub: 'bob', role: 'gw_user' })
  const c = new Client({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE, password: () => tok,
    requireAuth: 'password', webSocketUrl: gw.wsUrl(`127.0.0.1:${svc.pgPort}`), webSocketConstructor: WebSocket })
  await c.connect()
  assert.deepEqual((await c.query(whoSql)).rows[0], { u: 'gw_user', sub: 'bob', owners: 'bob' })
  await c.end()

  const bearer = (t) => class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { headers: { authorization: 'Bearer ' + t } })
    }
  }
  const b = new Client({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE,
    webSocketUrl: gw.wsUrl(), webSocketConstructor: bearer(tok) })
  await b.connect()
  assert.equal((await b.query(whoSql)).rows[0].sub, 'bob')
  await b.end()
  // A bad Bearer header is refused with HTTP 401 before any upgrade.
  const status = await new Promise((resolve) => {
    const ws = new WebSocket(gw.wsUrl(), { headers: { authorization: 'Bearer not.a.token' } })
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode))
    ws.on('open', () => resolve('opened'))
    ws.on('error', () => {})
  })
  assert.equal(status, 401)
})

test('escape attempts from a session logged in as gw_user: the role never changes', async () => {
  const c = new pg.Client(pgConfig(await token({ sub: 'alice', role: 'gw_user' })))
  await c.connect()
  try {
    for (const sql of ['reset role', 'set role none', 'reset session authorization']) {
      await c.query(sql)
      assert.equal((await c.query('select current_user as u, session_user as s')).rows[0].u, 'gw_user', sql)
    }
    await assert.rejects(c.query('set role gw_admin'), (e) => e.code === '42501')
    await assert.rejects(c.query('set session authorization gw_admin'), (e) => e.code === '42501')
    assert.deepEqual((await c.query('select session_user as s, current_user as u')).rows[0], { s: 'gw_user', u: 'gw_user' })
  } finally {
    await c.end()
  }
})

test('claims SQL cannot forge: SET request.jwt.claims changes that setting, never edgepg.sub() or edgepg.claims()', async () => {
  const c = new pg.Client(pgConfig(await token({ sub: 'alice', role: 'gw_user', tier: 'gold' })))
  await c.connect()
  try {
    const read = async () => (await c.query("select edgepg.sub() as sub, edgepg.claim('tier') as tier, (select string_agg(owner, ',') from secrets) as secrets")).rows[0]
    assert.deepEqual(await read(), { sub: 'alice', tier: 'gold', secrets: 'alice' })
    await c.query(`set request.jwt.claims = '{"sub":"bob","role":"gw_admin"}'`)
    assert.equal((await c.query("select current_setting('request.jwt.claims')::json ->> 'sub' as s")).rows[0].s, 'bob') // forgeable
    assert.deepEqual(await read(), { sub: 'alice', tier: 'gold', secrets: 'alice' }) // not forgeable
    await assert.rejects(c.query("insert into edgepg.sessions (pid, backend_start, role, claims) values (pg_backend_pid(), now(), 'x', '{}')"), (e) => e.code === '42501')
    await assert.rejects(c.query('update edgepg.sessions set claims = \'{"sub":"bob"}\''), (e) => e.code === '42501')
    assert.deepEqual(await read(), { sub: 'alice', tier: 'gold', secrets: 'alice' })
  } finally {
    await c.end()
  }
  // The row goes when the session ends.
  await new Promise((r) => setTimeout(r, 200))
  assert.equal(psql({ ...svc, database: DATABASE }, "select count(*) from edgepg.sessions where sub = 'alice'").trim(), '0')
})

test('refusals: SQLSTATE 28000 naming the cause, never the token, and no upstream connection opened', async () => {
  const before = upstreamSessions()
  const cases = [
    ['garbage', 'garbage-token', '28000', /ERR_JWT_MALFORMED/],
    ['expired', await token({ sub: 'alice', role: 'gw_user' }, { exp: Math.floor(Date.now() / 1000) - 3600 }), '28000', /ERR_JWT_EXPIRED/],
    ['wrong issuer', await token({ sub: 'alice', role: 'gw_user' }, { iss: 'https://evil.example' }), '28000', /ERR_JWT_CLAIM/],
    ['wrong audience', await token({ sub: 'alice', role: 'gw_user' }, { aud: 'another-api' }), '28000', /ERR_JWT_CLAIM/],
    ['wrong key', await token({ sub: 'alice', role: 'gw_user' }, { secret: 'another-secret-of-at-least-32-bytes!!!!' }), '28000', /ERR_JWT_SIGNATURE/],
    ['role not allowed', await token({ sub: 'mallory', role: 'postgres' }), '28000', /ERR_JWT_ROLE_NOT_ALLOWED/],
  ]
  for (const [name, tok, code, pattern] of cases) {
    secrets.add(tok)
    const err = await viaPg(tok).then(() => null, (e) => e)
    assert.ok(err, `${name}: accepted`)
    assert.equal(err.code, code, `${name}: ${err.message}`)
    assert.match(err.message, pattern, name)
    assert.ok(!err.message.includes(tok), `${name}: the token is in the message`)
  }
  const dbErr = await viaPg(await token({ sub: 'alice', role: 'gw_user' }), { database: 'postgres' }).then(() => null, (e) => e)
  assert.equal(dbErr?.code, '3D000')
  const status = await new Promise((resolve) => {
    const ws = new WebSocket(gw.wsUrl('10.0.0.1:5432'))
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode))
    ws.on('open', () => resolve('opened'))
    ws.on('error', () => {})
  })
  assert.equal(status, 403)
  assert.equal(upstreamSessions(), before, 'a refused client opened an upstream connection')
})

test('audit trail: session start and end with sub and role, failures with their reason, no secret anywhere', async () => {
  await viaPg(await token({ sub: 'audited-user', role: 'gw_user' }))
  await new Promise((r) => setTimeout(r, 100))
  const lines = gw.audit()
  const mine = lines.filter((l) => l.sub === 'audited-user')
  assert.deepEqual(mine.map((l) => l.event), ['session_start', 'session_end'])
  assert.equal(mine[1].role, 'gw_user')
  assert.equal(mine[1].database, DATABASE)
  assert.equal(mine[1].queries, 1)
  assert.ok(mine[1].bytes_in > 0 && mine[1].bytes_out > 0 && mine[1].duration_ms >= 0)
  assert.ok(lines.some((l) => l.event === 'auth_failed' && l.reason === 'ERR_JWT_EXPIRED'))
  const everything = JSON.stringify(lines) + gw.output()
  for (const s of secrets) assert.ok(!everything.includes(s), 'a token or password appears in the audit trail or the log')
})

test('HTTP: /healthz, /readyz and /metrics', async () => {
  const get = async (path) => {
    const res = await fetch(`http://127.0.0.1:${gw.http}${path}`)
    return { status: res.status, text: await res.text() }
  }
  assert.equal((await get('/healthz')).status, 200)
  assert.equal((await get('/readyz')).status, 200)
  const metrics = (await get('/metrics')).text
  assert.match(metrics, /edgepg_gateway_sessions_total\{outcome="ok"\} [1-9]/)
  assert.match(metrics, /edgepg_gateway_auth_failures_total\{reason="ERR_JWT_EXPIRED"\} 1/)
  assert.match(metrics, /edgepg_gateway_upstream_connect_seconds_count [1-9]/)
  assert.equal((await get('/nope')).status, 404)
})

// The login's messages as a raw WebSocket client sees them: each WebSocket message, as the list of its PostgreSQL
// message types (R with its auth code).
async function rawLogin(parts) {
  const sock = new WebSocket(gw.wsUrl())
  sock.binaryType = 'nodebuffer'
  await new Promise((resolve, reject) => { sock.once('open', resolve); sock.once('error', reject) })
  const received = []
  const closed = new Promise((resolve) => sock.once('close', resolve))
  let wake = () => {}
  sock.on('message', (d) => {
    const types = []
    for (let i = 0; i < d.length; i += 1 + d.readInt32BE(i + 1)) types.push(d[i] === 0x52 ? 'R' + d.readInt32BE(i + 5) : String.fromCharCode(d[i]))
    received.push(types)
    wake()
  })
  const until = (pred) => new Promise((resolve) => {
    wake = () => pred() && resolve()
    wake()
  })
  const settled = () => received.flat().some((t) => t === 'Z' || t === 'E')
  for (const [i, part] of parts.entries()) {
    sock.send(part)
    await until(i < parts.length - 1 ? () => received.length > 0 : settled)
  }
  sock.close()
  await closed
  return received
}

function loginMessages(password) {
  const params = Buffer.from(`user\0gw_user\0database\0${DATABASE}\0\0`)
  const startup = Buffer.alloc(8 + params.length)
  startup.writeInt32BE(8 + params.length, 0)
  startup.writeInt32BE(196608, 4)
  params.copy(startup, 8)
  const body = Buffer.from(password + '\0')
  const p = Buffer.alloc(5 + body.length)
  p[0] = 0x70
  p.writeInt32BE(4 + body.length, 1)
  body.copy(p, 5)
  return { startup, password: p }
}

test('a pipelined password gets its request with the login\'s answer in one message; a waiting client gets it first', async () => {
  const tok = await token({ sub: 'pipelined', role: 'gw_user' })
  secrets.add(tok)
  const { startup, password } = loginMessages(tok)
  // Startup and password in one WebSocket message (edgepg's and Neon's drivers): one answer, the request first.
  const [first, ...rest] = await rawLogin([Buffer.concat([startup, password])])
  assert.deepEqual(first.slice(0, 2), ['R3', 'R0'])
  assert.equal(first.at(-1), 'Z')
  assert.deepEqual(rest, [])
  // The startup alone: the request comes by itself, and the password's answer after it.
  const waited = await rawLogin([startup, password])
  assert.deepEqual(waited[0], ['R3'])
  assert.deepEqual(waited[1].slice(0, 1), ['R0'])
  // A refused token sent pipelined: the request, then the refusal (28000), in that order.
  const refused = (await rawLogin([Buffer.concat([startup, loginMessages('not-a-token').password])])).flat()
  assert.deepEqual(refused, ['R3', 'E'])
})
