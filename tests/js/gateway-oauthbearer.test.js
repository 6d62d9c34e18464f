// PostgreSQL 18's SASL OAUTHBEARER (RFC 7628) on the gateway's postgres listener (listen.oauthbearer), driven by a
// hand-written client over a raw socket (only libpq 18 speaks it, and this machine has libpq 15): the startup
// packet, SASLInitialResponse and SASLResponse built byte by byte. A valid token: AuthenticationOk directly (no
// SASLFinal), then the session as the mapped role. A refused one: the JSON error challenge, the client's kvsep, then
// ErrorResponse 28000 naming the cause. Malformed messages: 08P01 and the end of the connection. Without the
// option, and on the WebSocket listener, the token is still the cleartext password.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import net from 'node:net'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { WebSocket } from 'ws'
import { Client } from 'edgepg'
import { getServices } from '../support/env.js'
import { DATABASE, GATEWAY_BIN, ISSUER, prepareDatabase, startGateway, token } from '../support/gateway.js'

let svc, gw, plain
const secrets = new Set()

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  gw = await startGateway(svc, { listenExtra: { oauthbearer: { scope: 'openid db' } } })
  plain = await startGateway(svc)
})
after(async () => {
  await gw?.stop()
  await plain?.stop()
})

const int32 = (n) => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(n)
  return b
}
const message = (type, body) => Buffer.concat([Buffer.from(type), int32(body.length + 4), body])
const startup = (user = 'gw_user') => {
  const body = Buffer.concat([int32(196608), Buffer.from(`user\0${user}\0database\0${DATABASE}\0\0`)])
  return Buffer.concat([int32(body.length + 4), body])
}
// SASLInitialResponse: the mechanism, then the client-first's length (-1: none) and bytes.
const saslInitial = (data, mechanism = 'OAUTHBEARER') => message('p', Buffer.concat([Buffer.from(mechanism + '\0'),
  data === null ? int32(-1) : Buffer.concat([int32(Buffer.byteLength(data)), Buffer.from(data)])]))
const saslResponse = (data) => message('p', Buffer.from(data))
const clientFirst = (tok, authzid = '') => `n,${authzid ? 'a=' + authzid : ''},\x01auth=Bearer ${tok}\x01\x01`

// A raw connection that reads whole backend messages ({ type, body }); next() resolves null once the server closed.
function connect(port) {
  const socket = net.connect(port, '127.0.0.1')
  let buf = Buffer.alloc(0)
  let closed = false
  let wake = null
  socket.on('data', (d) => {
    buf = Buffer.concat([buf, d])
    wake?.()
  })
  socket.on('close', () => {
    closed = true
    wake?.()
  })
  socket.on('error', () => {})
  return {
    send: (b) => socket.write(b),
    end: () => socket.destroy(),
    async next() {
      for (;;) {
        if (buf.length >= 5 && buf.length >= 1 + buf.readInt32BE(1)) {
          const len = buf.readInt32BE(1)
          const m = { type: String.fromCharCode(buf[0]), body: buf.subarray(5, 1 + len) }
          buf = buf.subarray(1 + len)
          return m
        }
        if (closed) return null
        await new Promise((r) => (wake = r))
        wake = null
      }
    },
  }
}

const authCode = (m) => (m.type === 'R' ? m.body.readInt32BE(0) : null)
function errorFields(m) {
  assert.equal(m.type, 'E', `expected an ErrorResponse, got ${m.type}`)
  const f = {}
  for (let i = 0; i < m.body.length && m.body[i] !== 0;) {
    const end = m.body.indexOf(0, i + 1)
    f[String.fromCharCode(m.body[i])] = m.body.subarray(i + 1, end).toString()
    i = end + 1
  }
  return f
}
// Reads up to ReadyForQuery; returns the DataRows' fields as text (nulls as null).
async function untilReady(c) {
  const rows = []
  for (let m = await c.next(); ; m = await c.next()) {
    assert.ok(m, 'the server closed the connection')
    if (m.type === 'E') assert.fail(`ErrorResponse: ${JSON.stringify(errorFields(m))}`)
    if (m.type === 'D') {
      const row = []
      for (let i = 0, at = 2; i < m.body.readInt16BE(0); i++) {
        const len = m.body.readInt32BE(at)
        row.push(len < 0 ? null : m.body.subarray(at + 4, at + 4 + len).toString())
        at += 4 + Math.max(len, 0)
      }
      rows.push(row)
    }
    if (m.type === 'Z') return rows
  }
}

const SQL = "select current_user, edgepg.sub(), current_setting('request.jwt.claims', true)::json ->> 'sub'"

async function query(c, sql = SQL) {
  c.send(message('Q', Buffer.from(sql + '\0')))
  return untilReady(c)
}

test('OAUTHBEARER: AuthenticationSASL offers only OAUTHBEARER; a valid token logs in AS the mapped role', async () => {
  const tok = await token({ sub: 'alice', role: 'gw_user' })
  secrets.add(tok)
  const c = connect(gw.postgres)
  c.send(startup())
  const sasl = await c.next()
  assert.equal(authCode(sasl), 10)
  assert.equal(sasl.body.subarray(4).toString(), 'OAUTHBEARER\0\0')
  c.send(saslInitial(clientFirst(tok)))
  assert.equal(authCode(await c.next()), 0) // AuthenticationOk right away: no SASLFinal for OAUTHBEARER
  assert.deepEqual(await untilReady(c), [])
  assert.deepEqual(await query(c), [['gw_user', 'alice', 'alice']])
  c.end()
  const started = gw.audit().filter((l) => l.event === 'session_start' && l.sub === 'alice')
  assert.equal(started.at(-1).listener, 'postgres')
  assert.equal(started.at(-1).role, 'gw_user')
})

test('OAUTHBEARER: the startup user picks among the token\'s roles; a matching authzid; no initial response', async () => {
  const tok = await token({ sub: 'root', role: ['gw_user', 'gw_admin'] })
  secrets.add(tok)
  let c = connect(gw.postgres)
  c.send(startup('gw_admin'))
  assert.equal(authCode(await c.next()), 10)
  c.send(saslInitial(clientFirst(tok, 'gw_admin')))
  assert.equal(authCode(await c.next()), 0)
  await untilReady(c)
  assert.deepEqual(await query(c), [['gw_admin', 'root', 'root']])
  c.end()
  // The client-first in a SASLResponse after an empty SASLContinue (SASLInitialResponse with length -1).
  c = connect(gw.postgres)
  c.send(startup())
  assert.equal(authCode(await c.next()), 10)
  c.send(saslInitial(null))
  const empty = await c.next()
  assert.equal(authCode(empty), 11)
  assert.equal(empty.body.length, 4)
  c.send(saslResponse(clientFirst(tok)))
  assert.equal(authCode(await c.next()), 0)
  await untilReady(c)
  assert.deepEqual(await query(c), [['gw_user', 'root', 'root']])
  c.end()
})

test('OAUTHBEARER: a refused token gets the JSON challenge, the client answers kvsep, then 28000 with the cause', async () => {
  const cases = [
    [await token({ sub: 'alice', role: 'gw_user' }, { exp: Math.floor(Date.now() / 1000) - 3600 }), 'ERR_JWT_EXPIRED'],
    [await token({ sub: 'alice', role: 'gw_user' }, { secret: 'another-secret-of-at-least-32-bytes!!!!' }), 'ERR_JWT_SIGNATURE'],
    [await token({ sub: 'mallory', role: 'postgres' }), 'ERR_JWT_ROLE_NOT_ALLOWED'],
    ['not-a-jwt', 'ERR_JWT_MALFORMED'],
    ['bad token with spaces', 'ERR_JWT_MALFORMED'], // not a b64token: an invalid token, as PostgreSQL 18 counts it
  ]
  for (const [tok, cause] of cases) {
    secrets.add(tok)
    const c = connect(gw.postgres)
    c.send(startup())
    assert.equal(authCode(await c.next()), 10)
    c.send(saslInitial(clientFirst(tok)))
    const challenge = await c.next()
    assert.equal(authCode(challenge), 11, cause)
    assert.deepEqual(JSON.parse(challenge.body.subarray(4).toString()), {
      status: 'invalid_token', scope: 'openid db', 'openid-configuration': `${ISSUER}/.well-known/openid-configuration`,
    })
    c.send(saslResponse('\x01'))
    const f = errorFields(await c.next())
    assert.equal(f.C, '28000', cause)
    assert.equal(f.S, 'FATAL')
    assert.match(f.M, new RegExp(`^${cause}: `))
    assert.equal(await c.next(), null) // then the connection ends
    assert.ok(gw.audit().some((l) => l.event === 'auth_failed' && l.reason === cause))
  }
})

test('OAUTHBEARER: malformed or unexpected messages end in an ErrorResponse and a closed connection', async () => {
  const tok = await token({ sub: 'alice', role: 'gw_user' })
  secrets.add(tok)
  const cases = [
    ['no final kvsep', saslInitial(`n,,\x01auth=Bearer ${tok}\x01`), '08P01', /malformed OAUTHBEARER message: no final kvsep/],
    ['channel binding', saslInitial(`p=tls-server-end-point,,\x01auth=Bearer ${tok}\x01\x01`), '08P01', /channel binding/],
    ['no auth', saslInitial('n,,\x01host=db\x01\x01'), '08P01', /no auth value/],
    ['a NUL in a value', saslInitial(`n,,\x01auth=Bearer ${tok}\0\x01\x01`), '08P01', /VCHAR/],
    ['bytes after', saslInitial(`n,,\x01auth=Bearer ${tok}\x01\x01junk`), '08P01', /after the final kvsep/],
    ['empty', saslInitial(''), '08P01', /empty/],
    ['another mechanism', saslInitial('n,,n=,r=abc', 'SCRAM-SHA-256'), '08P01', /invalid SASL authentication mechanism/],
    ['a password message', message('p', Buffer.from(tok + '\0')), '08P01', /SASLInitialResponse/],
    ['a length that lies', message('p', Buffer.concat([Buffer.from('OAUTHBEARER\0'), int32(1000), Buffer.from('n,,')])), '08P01', /SASLInitialResponse/],
    ['another authzid', saslInitial(clientFirst(tok, 'gw_admin')), '28000', /authorization identity/],
  ]
  for (const [name, bytes, code, re] of cases) {
    const c = connect(gw.postgres)
    c.send(startup())
    assert.equal(authCode(await c.next()), 10, name)
    c.send(bytes)
    const f = errorFields(await c.next())
    assert.equal(f.C, code, name)
    assert.match(f.M, re, name)
    assert.ok(!f.M.includes(tok), 'the token is never echoed')
    assert.equal(await c.next(), null, name)
  }
  // After the challenge, anything but a single kvsep: 08P01, still naming the cause.
  const c = connect(gw.postgres)
  c.send(startup())
  await c.next()
  c.send(saslInitial(clientFirst('not-a-jwt')))
  assert.equal(authCode(await c.next()), 11)
  c.send(saslResponse('\x01\x01'))
  const f = errorFields(await c.next())
  assert.equal(f.C, '08P01')
  assert.match(f.M, /^ERR_JWT_MALFORMED: .*kvsep/)
  // The gateway is still serving.
  const ok = connect(gw.postgres)
  ok.send(startup())
  await ok.next()
  ok.send(saslInitial(clientFirst(tok)))
  assert.equal(authCode(await ok.next()), 0)
  await untilReady(ok)
  ok.end()
})

test('OAUTHBEARER: a discovery request (empty auth) gets the challenge, then the connection ends without error', async () => {
  const c = connect(gw.postgres)
  c.send(startup())
  await c.next()
  c.send(saslInitial('n,,\x01auth=\x01\x01'))
  const challenge = await c.next()
  assert.equal(authCode(challenge), 11)
  assert.equal(JSON.parse(challenge.body.subarray(4).toString()).status, 'invalid_token')
  c.send(saslResponse('\x01'))
  assert.equal(await c.next(), null)
  assert.ok(gw.audit().some((l) => l.event === 'refused' && l.reason === 'oauth_discovery'))
})

test('without listen.oauthbearer, and on the WebSocket listener, the token is still the cleartext password', async () => {
  const tok = await token({ sub: 'bob', role: 'gw_user' })
  secrets.add(tok)
  const c = connect(plain.postgres)
  c.send(startup())
  assert.equal(authCode(await c.next()), 3) // AuthenticationCleartextPassword
  c.send(message('p', Buffer.from(tok + '\0')))
  assert.equal(authCode(await c.next()), 0)
  await untilReady(c)
  assert.deepEqual(await query(c), [['gw_user', 'bob', 'bob']])
  c.end()
  const ws = new Client({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE, password: () => tok,
    requireAuth: 'password', webSocketUrl: gw.wsUrl(`127.0.0.1:${svc.pgPort}`), webSocketConstructor: WebSocket })
  await ws.connect()
  assert.deepEqual((await ws.query('select current_user as u, edgepg.sub() as sub')).rows[0], { u: 'gw_user', sub: 'bob' })
  await ws.end()
})

test('--check-config: listen.oauthbearer is true, false or { scope, openid_configuration }; it needs listen.postgres', async () => {
  const check = async (listen) => {
    const file = join(gw.dir, 'check.json')
    writeFileSync(file, JSON.stringify({ ...gw.config, listen }))
    return promisify(execFile)(GATEWAY_BIN, ['--check-config', file]).then(() => 'ok', (e) => e.stderr.trim())
  }
  const pgListen = { postgres: gw.config.listen.postgres }
  assert.equal(await check({ ...pgListen, oauthbearer: true }), 'ok')
  assert.equal(await check({ ...pgListen, oauthbearer: false }), 'ok')
  assert.equal(await check({ ...pgListen, oauthbearer: { scope: 'openid', openid_configuration: 'https://x/.well-known/openid-configuration' } }), 'ok')
  assert.match(await check({ ...pgListen, oauthbearer: { scopes: 'openid' } }), /listen\.oauthbearer\.scopes: unknown key/)
  assert.match(await check({ ...pgListen, oauthbearer: 'yes' }), /listen\.oauthbearer: must be true, false or an object/)
  assert.match(await check({ websocket: gw.config.listen.websocket, oauthbearer: true }), /listen\.oauthbearer: needs listen\.postgres/)
})

test('OAUTHBEARER: no token in the audit trail or the gateway\'s output', () => {
  const everything = JSON.stringify(gw.audit()) + gw.output()
  for (const s of secrets) assert.ok(!everything.includes(s))
})
