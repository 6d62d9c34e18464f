// The pipelined login (pipelineConnect: 'password', the default with requireAuth: 'password'): the startup message,
// the password and the queries issued during connect() leave in the first WebSocket message, so a fresh connection
// and its first query take one round trip after the WebSocket opens. What each WebSocket message holds is read off
// the socket itself (a recording WebSocket class), through edgepg-gateway to a real PostgreSQL 15.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { WebSocket } from 'ws'
import { Client } from 'edgepg'
import { getServices } from '../support/env.js'
import { ROLES } from '../support/services.js'
import { DATABASE, prepareDatabase, startGateway, token } from '../support/gateway.js'

let svc, gw

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  gw = await startGateway(svc)
})
after(async () => {
  await gw?.stop()
})

// A WebSocket class that logs what the client sends and when the first answer arrives.
function recording() {
  const log = []
  class RecordingWebSocket extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols)
      this.on('message', (data) => log.push({ received: data.length }))
    }

    send(data) {
      log.push({ sent: Buffer.from(data) })
      super.send(data)
    }
  }
  return { log, RecordingWebSocket }
}

// The frontend message types in one WebSocket message: 'startup' for the StartupMessage, then one letter each.
function messageTypes(buf) {
  const types = []
  let at = 0
  if (buf.readUInt32BE(4) === 196608) {
    types.push('startup')
    at = buf.readUInt32BE(0)
  }
  while (at < buf.length) {
    types.push(String.fromCharCode(buf[at]))
    at += 1 + buf.readUInt32BE(at + 1)
  }
  return types
}

// What left before the first answer arrived.
const beforeFirstAnswer = (log) => log.slice(0, log.findIndex((e) => e.received !== undefined)).filter((e) => e.sent)

const gatewayClient = (password, extra = {}) => {
  const rec = recording()
  const client = new Client({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE, password,
    requireAuth: 'password', webSocketUrl: gw.wsUrl(), webSocketConstructor: rec.RecordingWebSocket, ...extra })
  return { client, log: rec.log }
}

const whoSql = 'select current_user as u, edgepg.sub() as sub'

test('connect() and a query issued with it leave in one WebSocket message: startup, password, query', async () => {
  const { client, log } = gatewayClient(await token({ sub: 'alice', role: 'gw_user' }))
  const connected = client.connect()
  const who = client.query(whoSql)
  const params = client.query('select $1::int + 1 as n', [41])
  await connected
  assert.deepEqual((await who).rows[0], { u: 'gw_user', sub: 'alice' })
  assert.equal((await params).rows[0].n, 42)
  const first = beforeFirstAnswer(log)
  assert.equal(first.length, 1, 'one message before the server said anything')
  assert.deepEqual(messageTypes(first[0].sent), ['startup', 'p', 'Q', 'P', 'B', 'D', 'E', 'S'])
  await client.end()
})

test('connect() awaited first: startup and password in one message, an async password function too', async () => {
  const tok = await token({ sub: 'bob', role: 'gw_user' })
  const { client, log } = gatewayClient(async () => {
    await new Promise((resolve) => setTimeout(resolve, 30)) // slower than the WebSocket's opening
    return tok
  })
  await client.connect()
  const first = beforeFirstAnswer(log)
  assert.equal(first.length, 1)
  assert.deepEqual(messageTypes(first[0].sent), ['startup', 'p'])
  assert.equal((await client.query(whoSql)).rows[0].sub, 'bob')
  await client.end()
})

test("a refused token rejects connect() and the queued queries with the login's error; nothing is sent again", async () => {
  const expired = await token({ sub: 'carol', role: 'gw_user' }, { exp: Math.floor(Date.now() / 1000) - 60 })
  const { client, log } = gatewayClient(expired)
  const [c, q1, q2] = await Promise.allSettled([client.connect(), client.query('select 1'), client.query(whoSql)])
  for (const r of [c, q1, q2]) {
    assert.equal(r.status, 'rejected')
    assert.equal(r.reason.code, '28000')
    assert.match(r.reason.message, /ERR_JWT_EXPIRED/)
    assert.ok(!r.reason.message.includes(expired))
  }
  assert.equal(q1.reason, c.reason, 'the same error: the login refused, the queries never ran')
  assert.equal(log.filter((e) => e.sent).length, 1, 'nothing was sent after the refusal')
  await assert.rejects(client.query('select 1'), (e) => e.code === 'ECONNCLOSED')
})

test('a per-query type parser behind the pipelined login gets its column as text', async () => {
  const { client } = gatewayClient(await token({ sub: 'dave', role: 'gw_user' }))
  client.connect()
  const r = await client.query({ text: 'select 42::int as n', types: { getTypeParser: () => (v) => `${typeof v}:${v}` } })
  assert.equal(r.rows[0].n, 'string:42')
  assert.equal((await client.query('select 43::int as n')).rows[0].n, 43) // the next query's shapes are the defaults
  await client.end()
})

test('off with pipelineConnect: false or a policy that allows more than a cleartext password', async () => {
  const tok = await token({ sub: 'erin', role: 'gw_user' })
  const { client, log } = gatewayClient(tok, { pipelineConnect: false })
  client.connect()
  assert.equal((await client.query(whoSql)).rows[0].sub, 'erin')
  assert.deepEqual(beforeFirstAnswer(log).map((e) => messageTypes(e.sent)), [['startup']])
  await client.end()

  const any = gatewayClient(tok, { requireAuth: ['password', 'scram-sha-256'] })
  await any.client.connect()
  assert.deepEqual(beforeFirstAnswer(any.log).map((e) => messageTypes(e.sent)), [['startup']])
  await any.client.end()

  assert.throws(() => new Client({ user: 'u', password: 'p', pipelineConnect: 'password' }),
    (e) => e.code === 'EINVAL' && /requireAuth: 'password'/.test(e.message)) // default policy: SCRAM only
  assert.throws(() => new Client({ user: 'u', password: 'p', requireAuth: 'password', pipelineConnect: true }),
    (e) => e.code === 'EINVAL')
})

test('a server that asks for SCRAM after a pipelined password: refused, and the error says the password had gone', async () => {
  const rec = recording()
  const client = new Client({ host: '127.0.0.1', port: svc.pgPort, user: ROLES.scram.user, password: ROLES.scram.password,
    requireAuth: 'password', webSocketUrl: `ws://127.0.0.1:${svc.wsPort}`, webSocketConstructor: rec.RecordingWebSocket })
  await assert.rejects(client.connect(), (e) => e.code === 'EAUTH' && /pipelined login/.test(e.message) &&
    !e.message.includes(ROLES.scram.password))
  assert.equal(rec.log.filter((e) => e.sent).length, 1)
})
