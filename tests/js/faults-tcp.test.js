// Faults between websockify and PostgreSQL (TCP level), through tests/faults/fault-proxy.js: client -> websockify
// (its own instance) -> TcpFaultProxy -> the shared PostgreSQL 15. For each scenario: the pending call rejects with
// an EdgepgError of the right code within its timeout, no unhandled rejection or uncaught exception, and a Pool
// serves the next query on a fresh connection. Also: a statement that may have reached the server is reported,
// never silently re-sent.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { WebSocket } from 'ws'
import { Client, Pool } from 'edgepg'
import { getServices, clientConfig, ROLES } from '../support/env.js'
import { startWebsockify, stopChild, psql } from '../support/services.js'
import { TcpFaultProxy } from '../faults/fault-proxy.js'
import { processErrorRecorder, expectEdgepgError, until } from '../faults/harness.js'

const TIMEOUT = 3000 // connectionTimeoutMillis of these tests
let svc, proxy, ws, recorder

before(async () => {
  svc = await getServices()
  proxy = await new TcpFaultProxy(svc.pgPort).start()
  ws = await startWebsockify(proxy.port)
  recorder = processErrorRecorder()
  psql({ ...svc, database: 'edgepg_test' }, 'create table if not exists fault_inserts (id serial primary key, tag text not null)',
    `alter table fault_inserts owner to ${ROLES.scram.user}`)
})

after(async () => {
  recorder?.dispose()
  stopChild(ws?.child)
  await proxy?.stop()
})

function config(extra = {}) {
  return clientConfig(svc, 'scram', {
    webSocketUrl: `ws://127.0.0.1:${ws.wsPort}/v1?address=127.0.0.1:${proxy.port}`,
    webSocketConstructor: WebSocket,
    connectionTimeoutMillis: TIMEOUT,
    ...extra,
  })
}

// A Pool of one connection: the query that meets the fault and the next one must use different backends.
async function poolScenario(fault, sql, code, withinMs = TIMEOUT) {
  const pool = new Pool({ ...config(), max: 1 })
  pool.on('error', () => {}) // an idle client's failure is an event, as with node-postgres
  try {
    const before = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    const firedBefore = proxy.fired.length
    proxy.arm(fault)
    const err = await expectEdgepgError(pool.query(sql), code, withinMs, fault.kind)
    assert.equal(proxy.fired.length, firedBefore + 1, 'the fault fired')
    proxy.disarm()
    const after = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    assert.notEqual(after, before, 'the next query ran on a fresh connection')
    assert.deepEqual((await pool.query('select 1 as one')).rows, [{ one: 1 }])
    await recorder.assertClean()
    return err
  } finally {
    proxy.disarm()
    await pool.end()
  }
}

test('connection dropped in the middle of a result: ECONNCLOSED, then a fresh connection', { timeout: 20000 }, async () => {
  const err = await poolScenario({ kind: 'drop-mid-result', trigger: 'fault_drop_mid', afterRows: 50 },
    "select g, repeat('x', 200) as pad from generate_series(1, 100000) g -- fault_drop_mid", 'ECONNCLOSED')
  assert.match(err.message, /Connection terminated unexpectedly/) // node-postgres's wording
})

test('corrupted bytes from the server: EPROTO, then a fresh connection', { timeout: 20000 }, async () => {
  const err = await poolScenario({ kind: 'corrupt', trigger: 'fault_corrupt' }, 'select 1 -- fault_corrupt', 'EPROTO')
  assert.match(err.message, /unknown message type|length|malformed/)
})

test('a length prefix of 2 GiB: EPROTO at once, nothing allocated for it, then a fresh connection', { timeout: 20000 }, async () => {
  const heapBefore = process.memoryUsage().arrayBuffers
  const err = await poolScenario({ kind: 'length-2gib', trigger: 'fault_2gib' }, 'select 1 -- fault_2gib', 'EPROTO', 1000)
  assert.match(err.message, /exceeds the limit/)
  assert.ok(process.memoryUsage().arrayBuffers - heapBefore < 256 * 1024 * 1024, 'no 2 GiB buffer was made')
})

test('the server side accepts and never answers: connect rejects with ETIMEDOUT within connectionTimeoutMillis', { timeout: 20000 }, async () => {
  proxy.arm({ kind: 'blackhole' })
  try {
    const client = new Client(config({ connectionTimeoutMillis: 500 }))
    await expectEdgepgError(client.connect(), 'ETIMEDOUT', 500, 'blackhole connect')
    await client.end()
    const pool = new Pool({ ...config({ connectionTimeoutMillis: 500 }), max: 1 })
    await expectEdgepgError(pool.query('select 1'), 'ETIMEDOUT', 500, 'blackhole pool')
    proxy.disarm()
    assert.deepEqual((await pool.query('select 1 as one')).rows, [{ one: 1 }], 'the pool recovers once the server answers')
    await pool.end()
  } finally {
    proxy.disarm()
  }
  await recorder.assertClean()
})

test('the server goes silent in the middle of a query: query_timeout rejects with ETIMEDOUT, the pool recovers', { timeout: 20000 }, async () => {
  const pool = new Pool({ ...config({ query_timeout: 500 }), max: 1 })
  pool.on('error', () => {})
  try {
    const before = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    proxy.arm({ kind: 'silence', trigger: 'fault_silence' })
    await expectEdgepgError(pool.query('select 1 -- fault_silence'), 'ETIMEDOUT', 500, 'silence')
    proxy.disarm()
    const after = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    assert.notEqual(after, before)
  } finally {
    proxy.disarm()
    await pool.end()
  }
  await recorder.assertClean()
})

test('an AbortSignal ends a pending query with EABORT, and a pending connect() too', { timeout: 20000 }, async () => {
  const client = new Client(config())
  await client.connect()
  proxy.arm({ kind: 'silence', trigger: 'fault_abort' })
  try {
    const ac = new AbortController()
    const p = client.query({ text: 'select 1 -- fault_abort', signal: ac.signal })
    setTimeout(() => ac.abort(), 100)
    await expectEdgepgError(p, 'EABORT', 1000, 'abort query')
  } finally {
    proxy.disarm()
    client.end().catch(() => {}) // see the next test: end() may wait for the silenced answer
  }
  proxy.arm({ kind: 'blackhole' })
  try {
    const c2 = new Client(config({ connectionTimeoutMillis: 10000 }))
    const ac = new AbortController()
    setTimeout(() => ac.abort(), 100)
    await expectEdgepgError(c2.connect({ signal: ac.signal }), 'EABORT', 1000, 'abort connect')
    await c2.end()
  } finally {
    proxy.disarm()
  }
  await recorder.assertClean()
})

test('end() after an aborted query whose answer never comes resolves promptly', { timeout: 20000 }, async () => {
  const client = new Client(config())
  await client.connect()
  proxy.arm({ kind: 'silence', trigger: 'fault_abort_end' })
  try {
    const ac = new AbortController()
    const p = client.query({ text: 'select 1 -- fault_abort_end', signal: ac.signal })
    ac.abort()
    await expectEdgepgError(p, 'EABORT', 1000, 'abort query')
    const ended = await Promise.race([client.end().then(() => true), new Promise((r) => setTimeout(() => r(false), 2000))])
    assert.ok(ended, 'end() still pending 2 s after an aborted query')
  } finally {
    proxy.disarm()
    proxy.dropAll() // releases a hung end() so the file can finish
  }
})

// The statement reaches the server and runs; the connection dies before the answer. The client must report the
// failure and must not send the INSERT again (on this or another connection): exactly one row exists afterwards.
test('an INSERT whose connection dies after sending is reported, never re-sent', { timeout: 20000 }, async () => {
  const tag = 'no-resend-' + process.pid + '-' + Date.now()
  const pool = new Pool({ ...config(), max: 2 })
  pool.on('error', () => {})
  try {
    // The same INSERT goes through when nothing breaks (so a count of 0 below could only mean a lost statement).
    await pool.query('insert into fault_inserts (tag) values ($1)', [tag + '-control'])
    proxy.arm({ kind: 'drop-after-send', trigger: tag, delayMs: 300 })
    await expectEdgepgError(pool.query('insert into fault_inserts (tag) values ($1)', [tag]), 'ECONNCLOSED', TIMEOUT, 'insert')
    // A bare Client, simple protocol, same story.
    const client = new Client(config())
    await client.connect()
    proxy.arm({ kind: 'drop-after-send', trigger: tag + '-simple', delayMs: 300 })
    await expectEdgepgError(client.query(`insert into fault_inserts (tag) values ('${tag}-simple')`), 'ECONNCLOSED', TIMEOUT, 'insert simple')
    await client.end()
    proxy.disarm()
    // Give any (wrong) retry the time to land, then count on a direct connection.
    await new Promise((r) => setTimeout(r, 500))
    const count = (t) => Number(psql({ ...svc, database: 'edgepg_test' }, `select count(*) from fault_inserts where tag = '${t}'`).trim())
    assert.equal(count(tag + '-control'), 1)
    assert.equal(count(tag), 1, 'the extended-protocol INSERT ran exactly once')
    assert.equal(count(tag + '-simple'), 1, 'the simple-protocol INSERT ran exactly once')
    // And the pool goes on.
    assert.equal((await pool.query('select count(*)::int as n from fault_inserts where tag = $1', [tag])).rows[0].n, 1)
  } finally {
    proxy.disarm()
    await pool.end()
  }
  await recorder.assertClean()
})

test('a connection that breaks while idle in a Pool is replaced', { timeout: 20000 }, async () => {
  const pool = new Pool({ ...config(), max: 1 })
  const events = []
  pool.on('error', (e) => events.push(e.code))
  try {
    const before = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    proxy.dropAll()
    await until(() => pool.totalCount === 0, 3000, 'the broken idle client leaves the pool')
    const after = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    assert.notEqual(after, before)
  } finally {
    await pool.end()
  }
  await recorder.assertClean()
})
