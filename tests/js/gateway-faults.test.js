// edgepg-gateway under faults (issue #14): an upstream that is down, silent or dies mid-session; a JWKS endpoint that
// goes away or never answers; clients that vanish mid-result, trickle bytes (slowloris), announce huge messages, or
// send random frames and messages at both listeners. Each time the client gets a PostgreSQL error or a closed
// connection promptly, no secret leaks, the gateway's memory stays bounded, and the next client is served normally.
// The random test prints its seed; EDGEPG_FAULT_SEED=<seed> replays it.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { createServer as createNetServer } from 'node:net'
import { readFileSync } from 'node:fs'
import pg from 'pg'
import * as jose from 'jose'
import { getServices } from '../support/env.js'
import { freePort, listenLoopback, psql } from '../support/services.js'
import { AUDIENCE, DATABASE, ISSUER, prepareDatabase, startGateway, token } from '../support/gateway.js'
import { mulberry32 } from '../support/prng.js'
import { Wire, errorFields, pgMessage, startupPacket as wireStartup, tcp } from '../support/pg-wire.js'

const AUTH_TIMEOUT_MS = 3000  // startGateway's limits.auth_timeout_ms
let svc, gw

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  gw = await startGateway(svc)
})
after(async () => {
  await gw?.stop()
})

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))
const rssKb = (child) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${child.pid}/status`, 'utf8'))[1])
// The memory bounds hold for the native build; another (EDGEPG_GATEWAY_BIN, e.g. under AddressSanitizer, whose
// quarantine and shadow memory grow on their own) is checked for everything else.
const assertRssGrowth = (grownKb, maxKb, what) => {
  if (!process.env.EDGEPG_GATEWAY_BIN) assert.ok(grownKb < maxKb, `${what}: the gateway's RSS grew by ${grownKb} kB`)
}
const gwSessions = () => Number(psql(svc, "select count(*) from pg_stat_activity where usename in ('gw_user', 'gw_admin', 'gw_anon')").trim())

async function waitFor(what, check, timeoutMs = 5000) {
  const deadline = Date.now() + timeoutMs
  while (!check()) {
    if (Date.now() > deadline) assert.fail(`${what}: not within ${timeoutMs} ms`)
    await sleep(50)
  }
}

// A normal client through `g`: node-postgres over TCP, a token, one query.
async function worksNormally(g, sub = 'after-fault') {
  const c = new pg.Client({ host: '127.0.0.1', port: g.postgres, user: 'gw_user', database: DATABASE,
    password: await token({ sub, role: 'gw_user' }) })
  await c.connect()
  try {
    assert.deepEqual((await c.query('select edgepg.sub() as sub, 1 + 1 as two')).rows[0], { sub, two: 2 })
  } finally {
    await c.end()
  }
}

// ---- PostgreSQL wire bytes, by hand ----------------------------------------------------------------------------

const startupPacket = (params = { user: 'gw_user', database: DATABASE }) => wireStartup(params)

// Startup and the token as the password, by hand; returns the Wire after ReadyForQuery.
async function rawLogin(port, password) {
  const wire = new Wire(await tcp(port))
  wire.socket.write(startupPacket())
  const auth = await wire.message()
  assert.equal(auth?.type, 'R')
  assert.equal(auth.body.readUInt32BE(0), 3)  // AuthenticationCleartextPassword
  wire.socket.write(pgMessage('p', Buffer.from(password + '\0')))
  const r = await wire.untilReady()
  assert.equal(r.error, undefined, JSON.stringify(r.error))
  assert.equal(r.seen.at(-1), 'Z')
  return wire
}

// ---- WebSocket bytes, by hand -----------------------------------------------------------------------------------

const UPGRADE = 'GET /v1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n' +
  'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n'

function wsFrame(opcode, payload, { fin = true, mask = true, announce = payload.length } = {}) {
  const head = [(fin ? 0x80 : 0) | opcode]
  const m = mask ? 0x80 : 0
  if (announce < 126) head.push(m | announce)
  else if (announce < 65536) head.push(m | 126, announce >> 8, announce & 0xff)
  else {
    head.push(m | 127)
    const len = Buffer.alloc(8)
    len.writeBigUInt64BE(BigInt(announce))
    head.push(...len)
  }
  if (!mask) return Buffer.concat([Buffer.from(head), payload])
  const key = Buffer.from([0x11, 0x22, 0x33, 0x44])
  const body = Buffer.from(payload.map((b, i) => b ^ key[i % 4]))
  return Buffer.concat([Buffer.from(head), key, body])
}

// The server's (unmasked) frames of a socket after the 101: binary payloads go to `wire`; `frames` lists opcodes.
function wsFrames(socket, wire) {
  let buf = Buffer.alloc(0)
  const frames = []
  socket.removeAllListeners('data')
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d])
    for (;;) {
      if (buf.length < 2) return
      let len = buf[1] & 0x7f
      let at = 2
      if (len === 126) {
        if (buf.length < 4) return
        len = buf.readUInt16BE(2)
        at = 4
      } else if (len === 127) {
        if (buf.length < 10) return
        len = Number(buf.readBigUInt64BE(2))
        at = 10
      }
      if (buf.length < at + len) return
      const opcode = buf[0] & 0x0f
      frames.push({ opcode, payload: buf.subarray(at, at + len) })
      if (opcode === 2 || opcode === 0) wire.onBytes(buf.subarray(at, at + len))
      else wire.wake()
      buf = buf.subarray(at + len)
    }
  })
  return frames
}

// A completed upgrade: the socket, its Wire (of binary payloads) and the server's frames.
async function wsUpgrade(port) {
  const socket = await tcp(port)
  const wire = new Wire(socket)
  socket.write(UPGRADE)
  const head = await wire.until(() => {
    const end = wire.buf.indexOf('\r\n\r\n')
    return end >= 0 || wire.closedAt !== null ? wire.buf.subarray(0, end).toString() : undefined
  }, 5000)
  assert.match(head, /^HTTP\/1\.1 101 /)
  const rest = wire.buf.subarray(wire.buf.indexOf('\r\n\r\n') + 4)
  wire.buf = Buffer.alloc(0)
  const frames = wsFrames(socket, wire)
  if (rest.length > 0) socket.emit('data', rest)
  return { socket, wire, frames }
}

// ---- 1. the upstream --------------------------------------------------------------------------------------------

test('upstream down at connect (nothing listens, or it never answers): a prompt 08006 that says what to do, audited upstream_failed', async () => {
  const held = new Set()
  const silent = createNetServer((sock) => held.add(sock))  // accepts, never says a word
  const silentPort = await listenLoopback(silent)
  const cases = [['nothing listens', await freePort(), 2000, /unreachable/], ['never answers', silentPort, AUTH_TIMEOUT_MS + 500, /did not answer/]]
  try {
    for (const [name, port, within, cause] of cases) {
      const down = await startGateway(svc, { upstream: { host: '127.0.0.1', port, sslmode: 'disable', databases: [DATABASE] } })
      try {
        const tok = await token({ sub: 'alice', role: 'gw_user' })
        const t0 = Date.now()
        const c = new pg.Client({ host: '127.0.0.1', port: down.postgres, user: 'gw_user', database: DATABASE, password: tok })
        const err = await c.connect().then(() => null, (e) => e)
        const took = Date.now() - t0
        assert.ok(err, `${name}: the login succeeded with the upstream down`)
        assert.ok(['08006', '57P03'].includes(err.code), `${name}: ${err.code}: ${err.message}`)
        assert.match(err.message, cause, name)
        assert.match(err.message, /try again|operator/, `${name}: the message says what to do`)
        assert.ok(!err.message.includes(tok))
        assert.ok(took < within, `${name}: took ${took} ms`)
        await waitFor('the audit line', () => down.audit().length > 0, 2000)
        await sleep(600)  // the session's end (after its error has been read)
        const lines = down.audit()
        assert.ok(lines[0].event === 'upstream_failed' && lines[0].reason === err.code, JSON.stringify(lines[0]))
        assert.equal(lines[0].database, DATABASE)
        assert.equal(lines[0].sub, 'alice')
        assert.deepEqual(lines.map((l) => l.event), ['upstream_failed'], 'a session that never started has no session_end')
        const metrics = await (await fetch(`http://127.0.0.1:${down.http}/metrics`)).text()
        assert.match(metrics, /edgepg_gateway_sessions_total\{outcome="upstream_failed"\} 1/)
      } finally {
        await down.stop()
      }
    }
  } finally {
    for (const sock of held) sock.destroy()
    silent.close()
  }
})

test('upstream dies mid-session (pg_terminate_backend), idle or mid-query: 57P01 promptly, the next client is served', async () => {
  for (const running of [false, true]) {
    const sub = running ? 'victim-running' : 'victim-idle'
    const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE,
      password: await token({ sub, role: 'gw_user' }) })
    const events = []
    c.on('error', (e) => events.push(e))
    c.on('end', () => events.push('end'))
    await c.connect()
    const pid = (await c.query('select pg_backend_pid() as pid')).rows[0].pid
    const query = running ? c.query('select pg_sleep(60)').then(() => null, (e) => e) : null
    if (running) await waitFor('the query runs', () => psql(svc, `select state from pg_stat_activity where pid = ${pid}`).trim() === 'active')
    const t0 = Date.now()
    assert.equal(psql(svc, `select pg_terminate_backend(${pid})`).trim(), 't')
    await waitFor(`${sub}: the client sees the end of its session`, () => events.includes('end'), 3000)
    assert.ok(Date.now() - t0 < 2000, `${sub}: ${Date.now() - t0} ms`)
    // PostgreSQL's own FATAL, relayed: "terminating connection due to administrator command".
    const fatal = running ? await query : events.find((e) => e instanceof Error)
    assert.equal(fatal?.code, '57P01', `${sub}: ${fatal?.message}`)
    await assert.rejects(c.query('select 1'))
    await waitFor(`${sub}: the session's end is audited`, () => gw.audit().some((l) => l.event === 'session_end' && l.sub === sub), 2000)
  }
  await worksNormally(gw, 'after-terminate')
})

// ---- 2. the identity provider's keys ----------------------------------------------------------------------------

async function jwksServer(publicJwk, port) {
  let fetches = 0
  const server = createServer((req, res) => {
    fetches++
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys: [publicJwk] }))
  })
  port = await listenLoopback(server, port)
  return {
    port,
    url: `http://127.0.0.1:${port}/jwks.json`,
    fetches: () => fetches,
    stop: () => new Promise((r) => {
      server.close(r)
      server.closeAllConnections()
    }),
  }
}

test('JWKS endpoint down: cached keys keep working; a gateway with no keys refuses with 28000 ERR_JWKS_FETCH', async () => {
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256')
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
  const jwks = await jwksServer(jwk)
  const sign = (sub, kid = 'k1') => new jose.SignJWT({ sub, role: 'gw_user' }).setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(privateKey)
  const identity = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks_url: jwks.url, role_claim: 'role',
    allowed_roles: ['gw_user', 'gw_admin'], anonymous_role: 'gw_anon' }
  const remote = await startGateway(svc, { identity })
  let cold, back
  try {
    const login = async (g, tok) => {
      const c = new pg.Client({ host: '127.0.0.1', port: g.postgres, user: 'gw_user', database: DATABASE, password: tok })
      await c.connect()
      try {
        return (await c.query('select edgepg.sub() as sub')).rows[0].sub
      } finally {
        await c.end()
      }
    }
    const subOf = (g, tok) => login(g, tok).catch((e) => 'refused: ' + e.message)  // what the gateway saw
    assert.equal(await subOf(remote, await sign('first')), 'first')
    assert.ok(jwks.fetches() >= 1)
    await jwks.stop()
    assert.equal(await subOf(remote, await sign('second')), 'second')  // the cached keys
    // A token with an unknown kid (anyone can make one) is refused, and does not cost the others the cached keys.
    const stranger = await sign('stranger', 'k-unknown')
    const refused = await login(remote, stranger).then(() => null, (e) => e)
    assert.equal(refused?.code, '28000')
    assert.match(refused.message, /^ERR_JWKS/)
    assert.ok(!refused.message.includes(stranger))
    assert.equal(await subOf(remote, await sign('third')), 'third')

    cold = await startGateway(svc, { identity })  // started while the keys cannot be fetched
    const tok = await sign('fourth')
    const t0 = Date.now()
    const err = await login(cold, tok).then(() => null, (e) => e)
    assert.equal(err?.code, '28000', err?.message)
    assert.match(err.message, /^ERR_JWKS_FETCH: .*could not be fetched/)
    assert.ok(!err.message.includes(tok), 'the token is in the message')
    assert.ok(Date.now() - t0 < AUTH_TIMEOUT_MS + 500, `took ${Date.now() - t0} ms`)
    await waitFor('the audit line', () => cold.audit().some((l) => l.event === 'auth_failed' && l.reason === 'ERR_JWKS_FETCH'), 2000)
    assert.ok(!JSON.stringify(cold.audit()).includes(tok) && !cold.output().includes(tok))

    // The endpoint comes back: once the failed fetch's cooldown (1 s) is over, the cold gateway serves the token.
    back = await jwksServer(jwk, jwks.port)
    await sleep(1100)
    assert.equal(await subOf(cold, tok), 'fourth')
  } finally {
    await back?.stop()
    await jwks.stop().catch(() => {})
    await remote.stop()
    await cold?.stop()
  }
})

test('JWKS endpoint that accepts and never answers: the gateway starts, and refuses within auth_timeout_ms', async () => {
  const sockets = new Set()
  const blackhole = createNetServer((s) => {
    sockets.add(s)
    s.on('error', () => {})
  })
  const port = await listenLoopback(blackhole)
  const identity = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks_url: `http://127.0.0.1:${port}/jwks.json`,
    role_claim: 'role', allowed_roles: ['gw_user'] }
  const { privateKey } = await jose.generateKeyPair('ES256')
  const tok = await new jose.SignJWT({ sub: 'hung', role: 'gw_user' }).setProtectedHeader({ alg: 'ES256', kid: 'k1' })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(privateKey)
  let hung
  try {
    const started = Date.now()
    hung = await startGateway(svc, { identity })
    assert.ok(Date.now() - started < AUTH_TIMEOUT_MS + 1000, `the gateway took ${Date.now() - started} ms to listen`)
    await sleep(1100)  // past the cooldown of the fetch tried at startup: this login's own fetch
    const t0 = Date.now()
    const c = new pg.Client({ host: '127.0.0.1', port: hung.postgres, user: 'gw_user', database: DATABASE, password: tok })
    const err = await c.connect().then(() => null, (e) => e)
    const took = Date.now() - t0
    assert.equal(err?.code, '28000', err?.message)
    assert.match(err.message, /^ERR_JWKS_FETCH: .*could not be fetched/)
    assert.ok(!err.message.includes(tok))
    assert.ok(took < AUTH_TIMEOUT_MS + 500, `took ${took} ms`)
  } finally {
    await hung?.stop()
    for (const s of sockets) s.destroy()
    blackhole.close()
  }
})

test('a JWKS refetch that hangs (a token with an unknown kid) does not stall the other sessions', async () => {
  const { publicKey, privateKey } = await jose.generateKeyPair('ES256')
  const jwk = { ...(await jose.exportJWK(publicKey)), kid: 'k1', alg: 'ES256', use: 'sig' }
  let hang = false
  const held = new Set()
  const server = createServer((req, res) => {
    if (hang) return held.add(res)  // accepted, never answered
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys: [jwk] }))
  })
  const port = await listenLoopback(server)
  const sign = (sub, kid) => new jose.SignJWT({ sub, role: 'gw_user' }).setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(privateKey)
  const g = await startGateway(svc, { identity: { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'],
    jwks_url: `http://127.0.0.1:${port}/jwks.json`, role_claim: 'role', allowed_roles: ['gw_user'] } })
  const clients = []
  try {
    // Sessions on every one of the gateway's threads (connections are spread round robin).
    for (let i = 0; i < 6; i++) {
      const c = new pg.Client({ host: '127.0.0.1', port: g.postgres, user: 'gw_user', database: DATABASE, password: await sign(`s${i}`, 'k1') })
      await c.connect()
      clients.push(c)
    }
    hang = true
    const stranger = new pg.Client({ host: '127.0.0.1', port: g.postgres, user: 'gw_user', database: DATABASE, password: await sign('x', 'k-unknown') })
    const refused = stranger.connect().then(() => null, (e) => e)
    await sleep(200)  // its refetch is under way
    let worst = 0
    for (let round = 0; round < 5; round++) {
      await Promise.all(clients.map(async (c) => {
        const t0 = Date.now()
        await c.query('select 1')
        worst = Math.max(worst, Date.now() - t0)
      }))
    }
    assert.ok(worst < 300, `a query of another session waited ${worst} ms for the refetch`)
    assert.equal((await refused)?.code, '28000')
  } finally {
    await Promise.all(clients.map((c) => c.end()))
    await g.stop()
    for (const res of held) res.destroy()
    server.close()
  }
})

// ---- 3. a client that vanishes mid-result -----------------------------------------------------------------------

// A raw session's backend pid (select pg_backend_pid()).
async function backendPid(wire) {
  wire.socket.write(pgMessage('Q', Buffer.from('select pg_backend_pid()\0')))
  let pid = 0
  for (let m = await wire.message(); m && m.type !== 'Z'; m = await wire.message()) {
    if (m.type === 'D') pid = Number(m.body.subarray(6).toString())  // DataRow: 2 (columns), 4 (length), the text
  }
  assert.ok(pid > 0)
  return pid
}

test('a client vanishing mid-result (reading, or stalled first): its backend goes within seconds, memory stays bounded', async () => {
  await worksNormally(gw, 'warm-up')
  const rssBefore = rssKb(gw.child)
  for (const stalled of [false, true]) {
    const sub = stalled ? 'staller' : 'vanisher'
    const wire = await rawLogin(gw.postgres, await token({ sub, role: 'gw_user' }))
    const pid = await backendPid(wire)
    wire.discard = true
    wire.socket.write(pgMessage('Q', Buffer.from("select repeat('x', 1000) from generate_series(1, 2000000)\0")))
    await wire.until(() => (wire.received > 8 * 1024 * 1024 ? true : undefined), 10000)  // the result is flowing
    if (stalled) {
      // The client stops reading: the gateway must wait for it (backpressure), not buffer the 2 GB result.
      wire.socket.pause()
      await sleep(1500)
      const grown = rssKb(gw.child) - rssBefore
      assertRssGrowth(grown, 8 * 1024, 'a stalled reader')
    }
    wire.socket.destroy()
    const state = () => psql(svc, `select coalesce((select state from pg_stat_activity where pid = ${pid}), 'gone')`).trim()
    await waitFor(`${sub}: the backend is gone or idle`, () => ['gone', 'idle'].includes(state()), 5000)
    await waitFor(`${sub}: the session's end is audited`, () => gw.audit().some((l) => l.event === 'session_end' && l.sub === sub), 2000)
  }
  const grown = rssKb(gw.child) - rssBefore
  assertRssGrowth(grown, 8 * 1024, 'vanished clients')
  await worksNormally(gw, 'after-vanish')
})

// ---- 4. slowloris -----------------------------------------------------------------------------------------------

async function trickle(port, bytes) {
  const wire = new Wire(await tcp(port))
  const t0 = Date.now()
  const timer = setInterval(() => {
    if (wire.closedAt !== null || bytes.length === 0) return clearInterval(timer)
    wire.socket.write(bytes.subarray(0, 1))
    bytes = bytes.subarray(1)
  }, 300)
  await wire.closed(AUTH_TIMEOUT_MS + 5000)
  clearInterval(timer)
  return { wire, after: wire.closedAt - t0 }
}

test('slowloris: a startup packet or an HTTP upgrade trickled a byte every 300 ms is dropped at auth_timeout_ms', async () => {
  const [pgSide, wsSide] = await Promise.all([
    trickle(gw.postgres, Buffer.concat([startupPacket(), startupPacket()])),
    trickle(gw.websocket, Buffer.from(UPGRADE + UPGRADE)),
  ])
  for (const [name, { after: ms }] of [['postgres', pgSide], ['websocket', wsSide]]) {
    assert.ok(ms >= AUTH_TIMEOUT_MS - 500 && ms <= AUTH_TIMEOUT_MS + 1500, `${name}: closed after ${ms} ms`)
  }
  const err = await pgSide.wire.message(100)
  if (err) {
    assert.equal(err.type, 'E')
    assert.equal(errorFields(err.body).C, '08006')
  }
  await worksNormally(gw, 'after-slowloris')
})

// ---- 5. oversized messages --------------------------------------------------------------------------------------

test('oversized: a 100 MB startup packet, a 10 MB password, a 2^40-byte WebSocket frame, a 2 GB Query', async () => {
  await worksNormally(gw, 'warm-up')
  const rssBefore = rssKb(gw.child)
  const refusedWith = async (wire, what) => {
    const t0 = Date.now()
    const m = await wire.message(3000)
    await wire.closed(3000)
    assert.ok(Date.now() - t0 < 2000, `${what}: closed after ${Date.now() - t0} ms`)
    return m
  }

  // A startup packet announcing 100 MB (PostgreSQL's limit is 10000 bytes).
  const startup = new Wire(await tcp(gw.postgres))
  const head = Buffer.alloc(8)
  head.writeUInt32BE(100 * 1024 * 1024, 0)
  head.writeUInt32BE(196608, 4)
  startup.socket.write(Buffer.concat([head, Buffer.alloc(64 * 1024, 'a')]))
  const m1 = await refusedWith(startup, 'startup')
  assert.equal(m1?.type, 'E')
  assert.equal(errorFields(m1.body).C, '08P01')

  // A password message of 10 MB (the limit while authenticating is 64 KiB).
  const password = new Wire(await tcp(gw.postgres))
  password.socket.write(startupPacket())
  assert.equal((await password.message())?.type, 'R')
  const big = Buffer.alloc(10 * 1024 * 1024, 'p')
  big[big.length - 1] = 0
  password.socket.write(pgMessage('p', big))
  const m2 = await refusedWith(password, 'password')
  assert.equal(m2?.type, 'E')
  assert.equal(errorFields(m2.body).C, '08P01')

  // A WebSocket frame header announcing 2^40 bytes: Close 1009 (message too big), then the end.
  const ws = await wsUpgrade(gw.websocket)
  ws.socket.write(wsFrame(2, Buffer.alloc(1024), { announce: 2 ** 40 }))
  await refusedWith(ws.wire, 'websocket frame')
  const close = ws.frames.find((f) => f.opcode === 8)
  assert.ok(close, 'no Close frame')
  assert.equal(close.payload.readUInt16BE(0), 1009)

  // A Query announcing 2 GB after a valid login, over TCP and inside WebSocket binary frames: the gateway's
  // limits.max_message_bytes (64 MiB) answers with PostgreSQL's 08P01 and ends the session; nothing of it reaches
  // the backend, which goes back to idle (PostgreSQL itself would just drop the connection).
  const qhead = Buffer.alloc(5)
  qhead.write('Q')
  qhead.writeUInt32BE(0x80000000, 1)
  const query = await rawLogin(gw.postgres, await token({ sub: 'big-query', role: 'gw_user' }))
  const pid = await backendPid(query)
  query.socket.write(Buffer.concat([qhead, Buffer.alloc(1024 * 1024, 'q')]))
  const m4 = await refusedWith(query, 'query')
  assert.equal(m4?.type, 'E')
  assert.equal(errorFields(m4.body).C, '08P01')
  assert.match(errorFields(m4.body).M, /2147483648 bytes.*limits\.max_message_bytes/)
  const wsQuery = await wsUpgrade(gw.websocket)
  wsQuery.socket.write(wsFrame(2, Buffer.concat([startupPacket(), pgMessage('p', Buffer.from(await token({ sub: 'big-ws-query', role: 'gw_user' }) + '\0'))])))
  assert.equal((await wsQuery.wire.untilReady()).error, undefined)
  wsQuery.socket.write(wsFrame(2, Buffer.concat([qhead, Buffer.alloc(1000, 'q')])))
  const m5 = await refusedWith(wsQuery.wire, 'websocket query')
  assert.equal(m5?.type, 'E')
  assert.equal(errorFields(m5.body).C, '08P01')
  const state = () => psql(svc, `select coalesce((select state from pg_stat_activity where pid = ${pid}), 'gone')`).trim()
  await waitFor('the backend is gone or idle', () => ['gone', 'idle'].includes(state()), 3000)

  const grown = rssKb(gw.child) - rssBefore
  assertRssGrowth(grown, 4 * 1024, 'oversized messages')
  await worksNormally(gw, 'after-oversized')
})

// ---- 6. random frames and messages ------------------------------------------------------------------------------

test('10,000 random frames and messages at both listeners: the gateway lives, answers and stays bounded', async () => {
  const seed = Number(process.env.EDGEPG_FAULT_SEED ?? Math.floor(Math.random() * 2 ** 32))
  console.log(`# gateway-faults random seed: ${seed} (replay with EDGEPG_FAULT_SEED=${seed})`)
  const rnd = mulberry32(seed)
  const int = (n) => Math.floor(rnd() * n)
  const bytes = (n) => Buffer.from(Array.from({ length: n }, () => int(256)))
  const pick = (xs) => xs[int(xs.length)]
  const length = () => pick([0, 1, 3, 4, 5, int(64), int(64), int(1024), int(70000), 0x7fffffff, 0xffffffff, 2 ** 31 + int(1000)])
  // A PostgreSQL message: a frontend type (or any byte), a length that may lie, a random body.
  const message = () => {
    const type = rnd() < 0.8 ? pick([...'pQPBEDSCHFdcfX']) : String.fromCharCode(int(256))
    const body = bytes(pick([0, 1, 4, int(32), int(300)]))
    const head = Buffer.alloc(5)
    head.write(type, 0, 'latin1')
    head.writeUInt32BE(rnd() < 0.6 ? body.length + 4 : length(), 1)
    return rnd() < 0.1 ? bytes(int(64)) : Buffer.concat([head, body])
  }
  // A WebSocket frame: any opcode, masked or not, FIN or not, a length that may lie; sometimes plain bytes.
  const frame = () => {
    if (rnd() < 0.1) return bytes(1 + int(64))
    const payload = rnd() < 0.5 ? message() : bytes(pick([0, 1, 2, 125, 126, int(200)]))
    const opcode = rnd() < 0.7 ? pick([0, 1, 2, 8, 9, 10]) : int(16)
    return wsFrame(opcode, payload, { fin: rnd() < 0.8, mask: rnd() < 0.85,
      announce: rnd() < 0.8 ? payload.length : pick([126, 65535, 65536, 2 ** 32, 2 ** 53 - 1, int(1000)]) })
  }
  const rssBefore = rssKb(gw.child)
  const sessionsBefore = gwSessions()
  const tokens = await Promise.all(Array.from({ length: 8 }, (_, i) => token({ sub: `fuzz-${i}`, role: 'gw_user' })))
  const kinds = ['pg-raw', 'pg-startup', 'pg-login', 'ws-raw', 'ws-upgraded', 'ws-login']
  const plans = Array.from({ length: 300 }, (_, i) => ({ kind: kinds[i % kinds.length], count: 0 }))
  let remaining = 10000
  for (let i = 0; remaining > 0; i = (i + 1) % plans.length, remaining--) plans[i].count++

  let written = 0  // the messages and frames written before the gateway closed the connection
  const send = async (socket, chunks) => {
    for (const c of chunks) {
      if (socket.destroyed || socket.closed) return
      socket.write(c)
      written++
      if (rnd() < 0.2) await sleep(1)
    }
  }
  const wsLogin = async (ws, password) => {
    ws.socket.write(wsFrame(2, Buffer.concat([startupPacket(), pgMessage('p', Buffer.from(password + '\0'))])))
    return ws.wire.untilReady()
  }
  const run = async (plan) => {
    let socket
    try {
      if (plan.kind.startsWith('pg')) {
        const chunks = Array.from({ length: plan.count }, message)
        if (plan.kind === 'pg-login') {
          const wire = await rawLogin(gw.postgres, pick(tokens))
          socket = wire.socket
        } else {
          socket = await tcp(gw.postgres)
          socket.on('error', () => {})
          if (plan.kind === 'pg-startup') socket.write(startupPacket())
        }
        await send(socket, chunks)
      } else {
        const chunks = Array.from({ length: plan.count }, frame)
        if (plan.kind === 'ws-raw') {
          socket = await tcp(gw.websocket)
          socket.on('error', () => {})
          await send(socket, [Buffer.from(UPGRADE.slice(0, int(UPGRADE.length))), ...chunks])
        } else {
          const ws = await wsUpgrade(gw.websocket)
          socket = ws.socket
          if (plan.kind === 'ws-login') {
            const r = await wsLogin(ws, pick(tokens))
            assert.equal(r.error, undefined, JSON.stringify(r.error))
          }
          await send(socket, chunks)
        }
      }
    } finally {
      if (socket) {
        socket.end()
        await Promise.race([new Promise((r) => socket.once('close', r)), sleep(300)])
        socket.destroy()
      }
    }
  }
  const queue = [...plans]
  await Promise.all(Array.from({ length: 24 }, async () => {
    while (queue.length > 0) await run(queue.shift())
  }))

  console.log(`# ${plans.length} connections, 10000 messages and frames, ${written} written before the gateway closed`)
  assert.equal(gw.child.exitCode, null, `the gateway exited: ${gw.output().slice(-2000)}`)
  const fuzzLogins = gw.audit().filter((l) => l.event === 'session_start' && l.sub?.startsWith('fuzz-')).length
  assert.ok(fuzzLogins >= 100, `only ${fuzzLogins} random sessions reached the relay`)
  assert.equal((await fetch(`http://127.0.0.1:${gw.http}/healthz`)).status, 200)
  await worksNormally(gw, 'after-fuzz')
  await waitFor('no upstream backend left behind', () => gwSessions() <= sessionsBefore, 5000)
  const grown = rssKb(gw.child) - rssBefore
  assertRssGrowth(grown, 16 * 1024, 'random frames and messages')
  const trail = JSON.stringify(gw.audit()) + gw.output()
  for (const t of tokens) assert.ok(!trail.includes(t), 'a token appears in the audit trail or the log')
})
