// Faults between the client and websockify (WebSocket level), through tests/faults/fault-proxy.js's WsFaultProxy:
// client -> WsFaultProxy -> the shared websockify -> PostgreSQL 15. Close codes 1001 and 1011, an abrupt end
// (1006), a proxy that accepts and never answers (at the WebSocket and at the TCP level), and no proxy at all.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:net'
import { WebSocket } from 'ws'
import { Client, Pool } from 'edgepg'
import { getServices, clientConfig } from '../support/env.js'
import { WsFaultProxy, deadPort } from '../faults/fault-proxy.js'
import { processErrorRecorder, expectEdgepgError } from '../faults/harness.js'

const TIMEOUT = 3000
let svc, proxy, recorder

before(async () => {
  svc = await getServices()
  proxy = await new WsFaultProxy(`ws://127.0.0.1:${svc.wsPort}`).start()
  recorder = processErrorRecorder()
})

after(async () => {
  recorder?.dispose()
  await proxy?.stop()
})

function config(extra = {}) {
  return clientConfig(svc, 'scram', {
    webSocketUrl: proxy.url(`/v1?address=127.0.0.1:${svc.pgPort}`),
    webSocketConstructor: WebSocket,
    connectionTimeoutMillis: TIMEOUT,
    ...extra,
  })
}

async function poolScenario(fault, code, label) {
  const pool = new Pool({ ...config(), max: 1 })
  pool.on('error', () => {})
  try {
    const before = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    const fired = proxy.fired.length
    proxy.arm(fault)
    // A query that would take 5 s: the fault, not the server, must end it.
    const err = await expectEdgepgError(pool.query(`select pg_sleep(5) -- ${fault.trigger}`), code, TIMEOUT, label)
    assert.equal(proxy.fired.length, fired + 1, 'the fault fired')
    const after = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    assert.notEqual(after, before, 'the next query ran on a fresh connection')
    await recorder.assertClean()
    return err
  } finally {
    proxy.disarm()
    await pool.end()
  }
}

for (const code of [1001, 1011]) {
  test(`WebSocket closed with code ${code} during a query: ECONNCLOSED naming the code, then a fresh connection`, { timeout: 20000 }, async () => {
    const err = await poolScenario({ kind: 'close', code, trigger: `fault_close_${code}`, delayMs: 100 }, 'ECONNCLOSED', `close ${code}`)
    assert.match(err.message, new RegExp(`close code ${code}`))
  })
}

test('WebSocket ended abruptly (no Close frame, the client sees 1006): ECONNCLOSED, then a fresh connection', { timeout: 20000 }, async () => {
  const err = await poolScenario({ kind: 'abrupt', trigger: 'fault_abrupt', delayMs: 100 }, 'ECONNCLOSED', 'abrupt')
  assert.match(err.message, /close code 1006/)
})

test('the proxy sends a text message: EPROTO, then a fresh connection', { timeout: 20000 }, async () => {
  const err = await poolScenario({ kind: 'text', trigger: 'fault_text', delayMs: 100 }, 'EPROTO', 'text')
  assert.match(err.message, /text message/)
})

test('a WebSocket closed with 1011 during login: ECONNCLOSED from connect()', { timeout: 20000 }, async () => {
  // The StartupMessage carries the user name: close right after it.
  proxy.arm({ kind: 'close', code: 1011, trigger: 'scram_user' })
  const client = new Client(config())
  const err = await expectEdgepgError(client.connect(), 'ECONNCLOSED', TIMEOUT, 'close during login')
  assert.match(err.message, /during login/)
  await client.end()
  await recorder.assertClean()
})

test('the WebSocket proxy accepts and never answers: ETIMEDOUT within connectionTimeoutMillis', { timeout: 20000 }, async () => {
  proxy.arm({ kind: 'blackhole' })
  try {
    const client = new Client(config({ connectionTimeoutMillis: 500 }))
    await expectEdgepgError(client.connect(), 'ETIMEDOUT', 500, 'ws blackhole')
    await client.end()
  } finally {
    proxy.disarm()
  }
  // A TCP listener that never answers the HTTP upgrade at all.
  const sockets = new Set()
  const silent = createServer((s) => sockets.add(s))
  await new Promise((r) => silent.listen(0, '127.0.0.1', r))
  try {
    const client = new Client(config({ connectionTimeoutMillis: 500, webSocketUrl: `ws://127.0.0.1:${silent.address().port}/v1` }))
    await expectEdgepgError(client.connect(), 'ETIMEDOUT', 500, 'tcp blackhole')
    await client.end()
    const pool = new Pool({ ...config({ connectionTimeoutMillis: 500, webSocketUrl: `ws://127.0.0.1:${silent.address().port}/v1` }), max: 1 })
    await expectEdgepgError(pool.query('select 1'), 'ETIMEDOUT', 500, 'tcp blackhole pool')
    await pool.end()
  } finally {
    for (const s of sockets) s.destroy()
    await new Promise((r) => silent.close(r))
  }
  await recorder.assertClean()
})

test('end() sends its goodbye and returns: a proxy that never answers the close costs it nothing, and the socket goes within ~1 s', { timeout: 20000 }, async () => {
  let socket
  class Seen extends WebSocket {
    constructor(...args) {
      super(...args)
      socket = this
    }
  }
  const client = new Client(config({ webSocketConstructor: Seen }))
  await client.connect()
  proxy.arm({ kind: 'deaf', trigger: 'fault_deaf', delayMs: 0 })
  const fired = proxy.fired.length
  assert.deepEqual((await client.query("select 'fault_deaf' as q")).rows, [{ q: 'fault_deaf' }])
  assert.equal(proxy.fired.length, fired + 1, 'the fault fired')
  const closed = new Promise((resolve) => socket.once('close', resolve))
  const t0 = performance.now()
  await client.end()
  const took = performance.now() - t0
  assert.ok(took < 200, `end() took ${took.toFixed(0)} ms, waiting for a close that never comes`)
  await assert.rejects(client.query('select 1'), (e) => e.code === 'ECONNCLOSED')
  // The socket does not linger for the `ws` package's own 30 s: edgepg drops it a second after its close.
  const t1 = performance.now()
  await closed
  const dropped = performance.now() - t1
  assert.ok(dropped > 500 && dropped < 3000, `the unanswered socket closed after ${dropped.toFixed(0)} ms`)
  await recorder.assertClean()
})

test('nothing listens where the proxy should be: ECONNREFUSED at once; a Pool recovers when it comes back', { timeout: 20000 }, async () => {
  const port = await deadPort()
  const client = new Client(config({ webSocketUrl: `ws://127.0.0.1:${port}/v1` }))
  const err = await expectEdgepgError(client.connect(), 'ECONNREFUSED', 1000, 'refused')
  assert.match(err.message, /could not open a WebSocket to ws:\/\/127\.0\.0\.1:\d+\/v1/)
  await client.end()
  // A Pool whose URL is a function: first the dead port, then the real proxy.
  let alive = false
  const pool = new Pool({ ...config({ webSocketUrl: () => (alive ? proxy.url(`/v1?address=127.0.0.1:${svc.pgPort}`) : `ws://127.0.0.1:${port}/v1`) }), max: 1 })
  await expectEdgepgError(pool.query('select 1'), 'ECONNREFUSED', 1000, 'refused pool')
  alive = true
  assert.deepEqual((await pool.query('select 1 as one')).rows, [{ one: 1 }])
  await pool.end()
  await recorder.assertClean()
})
