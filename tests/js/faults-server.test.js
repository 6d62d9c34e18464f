// Faults from the server itself: pg_terminate_backend on the session (shared cluster), and PostgreSQL restarted
// (pg_ctl restart) while a Pool holds connections, on a throwaway cluster of this file's own so the shared one is
// not disturbed.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { WebSocket } from 'ws'
import { Client, Pool } from 'edgepg'
import { getServices, clientConfig, ROLES } from '../support/env.js'
import { startPostgres, stopPostgres, startWebsockify, stopChild, psql } from '../support/services.js'
import { processErrorRecorder, expectEdgepgError, until } from '../faults/harness.js'

const TIMEOUT = 3000
let svc, recorder

before(async () => {
  svc = await getServices()
  recorder = processErrorRecorder()
})

after(() => recorder?.dispose())

const terminate = (s, pid) => psql(s, `select pg_terminate_backend(${Number(pid)})`)

test('pg_terminate_backend during a query: the server\'s 57P01, then a fresh connection', { timeout: 20000 }, async () => {
  const pool = new Pool({ ...clientConfig(svc, 'scram', { connectionTimeoutMillis: TIMEOUT }), max: 1 })
  pool.on('error', () => {})
  try {
    const pid = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    const pending = pool.query('select pg_sleep(10)')
    await new Promise((r) => setTimeout(r, 200))
    terminate(svc, pid)
    const err = await expectEdgepgError(pending, '57P01', TIMEOUT, 'terminated during a query')
    assert.match(err.message, /terminating connection/)
    assert.equal(err.severity, 'FATAL')
    const next = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    assert.notEqual(next, pid)
  } finally {
    await pool.end()
  }
  await recorder.assertClean()
})

test('pg_terminate_backend on an idle pooled connection: it leaves the pool, the next query gets a fresh one', { timeout: 20000 }, async () => {
  const pool = new Pool({ ...clientConfig(svc, 'scram', { connectionTimeoutMillis: TIMEOUT }), max: 1 })
  const errors = []
  pool.on('error', (e) => errors.push(e.code))
  try {
    const pid = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    terminate(svc, pid)
    await until(() => pool.totalCount === 0, TIMEOUT, 'the terminated client leaves the pool')
    assert.deepEqual(errors, ['57P01'], 'the pool reports the idle client\'s error as an event')
    const next = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    assert.notEqual(next, pid)
  } finally {
    await pool.end()
  }
  await recorder.assertClean()
})

test('a bare Client terminated while idle rejects its next query with ECONNCLOSED, not a hang', { timeout: 20000 }, async () => {
  const client = new Client(clientConfig(svc, 'scram', { connectionTimeoutMillis: TIMEOUT }))
  const events = []
  client.on('error', (e) => events.push(e.code))
  await client.connect()
  terminate(svc, client.processID)
  await until(() => events.length > 0, TIMEOUT, 'the error event')
  assert.deepEqual(events, ['57P01'])
  const err = await expectEdgepgError(client.query('select 1'), 'ECONNCLOSED', 500, 'query after terminate')
  assert.equal(err.message, 'Client has encountered a connection error and is not queryable') // node-postgres's words
  assert.match(err.cause.message, /terminating connection/) // and why
  await client.end()
  // Without an 'error' listener the failure is still no uncaught exception (unlike Node's EventEmitter).
  const quiet = new Client(clientConfig(svc, 'scram', { connectionTimeoutMillis: TIMEOUT }))
  await quiet.connect()
  let ended = false
  quiet.on('end', () => (ended = true))
  terminate(svc, quiet.processID)
  await until(() => ended, TIMEOUT, 'the end event')
  await expectEdgepgError(quiet.query('select 1'), 'ECONNCLOSED', 500, 'quiet client')
  await quiet.end()
  await recorder.assertClean()
})

test('PostgreSQL restarted while a Pool holds connections: pending queries fail clearly, the pool reconnects', { timeout: 90000 }, async () => {
  const pg = await startPostgres()
  const proxy = await startWebsockify(pg.pgPort)
  const config = {
    ...clientConfig({ pgPort: pg.pgPort, wsPort: proxy.wsPort }, 'scram', { connectionTimeoutMillis: TIMEOUT }),
    webSocketConstructor: WebSocket,
    max: 3,
  }
  const pool = new Pool(config)
  const poolErrors = []
  pool.on('error', (e) => poolErrors.push(e.code))
  try {
    // Three connections: one busy with a long query, two idle.
    const clients = await Promise.all([pool.connect(), pool.connect(), pool.connect()])
    const pids = new Set()
    for (const c of clients) pids.add(c.processID)
    clients[1].release()
    clients[2].release()
    const busy = clients[0]
    const pending = busy.query('select pg_sleep(30)')
    await new Promise((r) => setTimeout(r, 200))
    const isRoot = process.getuid?.() === 0
    const ctl = ['/usr/lib/postgresql/15/bin/pg_ctl', '-D', pg.data, '-m', 'fast', '-w', '-t', '30', 'restart']
    const restarted = Date.now()
    if (isRoot) execFileSync('runuser', ['-u', 'postgres', '--', ...ctl], { stdio: 'ignore' })
    else execFileSync(ctl[0], ctl.slice(1), { stdio: 'ignore' })
    // A fast shutdown terminates sessions with FATAL 57P01 (admin_shutdown) before closing their sockets.
    const err = await expectEdgepgError(pending, '57P01', TIMEOUT + (Date.now() - restarted), 'pending during restart')
    assert.match(err.message, /terminating connection/)
    busy.release(err)
    await until(() => pool.totalCount === 0, TIMEOUT, 'every broken connection leaves the pool')
    assert.ok(poolErrors.every((c) => c === '57P01' || c === 'ECONNCLOSED'), `pool errors: ${poolErrors}`)
    // The next queries run on fresh connections.
    const rows = await Promise.all([1, 2, 3].map(() => pool.query('select pg_backend_pid() as pid')))
    for (const r of rows) assert.ok(!pids.has(r.rows[0].pid), 'a fresh backend')
    assert.equal((await pool.query('select current_user as u')).rows[0].u, ROLES.scram.user)
  } finally {
    await pool.end()
    stopChild(proxy.child)
    stopPostgres(pg)
  }
  await recorder.assertClean()
})
