// node-postgres's behaviour where users move code from `pg` to edgepg, checked differentially: the same calls on
// `pg` over TCP and on edgepg over WebSocket give the same results, events, callbacks and messages.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import pg from 'pg'
import { Client, Pool, DatabaseError } from 'edgepg'
import { getServices, clientConfig, ROLES } from '../support/env.js'

let svc
before(async () => {
  svc = await getServices()
})

// The two drivers with the same connection details: pg over TCP, edgepg through websockify.
function drivers(extra = {}) {
  const tcp = { host: '127.0.0.1', port: svc.pgPort, user: ROLES.scram.user, password: ROLES.scram.password, database: 'edgepg_test', ...extra }
  return [
    ['pg', { Client: pg.Client, Pool: pg.Pool, config: tcp }],
    ['edgepg', { Client, Pool, config: clientConfig(svc, 'scram', extra) }],
  ]
}

async function both(fn, extra) {
  const out = {}
  for (const [name, d] of drivers(extra)) out[name] = await fn(d, name)
  assert.deepEqual(out.edgepg, out.pg)
  return out.pg
}

const withCallback = (f) => new Promise((resolve) => f((...args) => resolve(args.map((a) => (a instanceof Error ? a.message : a)))))

test('end(callback) and pool.end(callback) call the callback; connect() resolves to the client', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client(d.config)
    const same = (await c.connect()) === c
    const args = await withCallback((cb) => c.end(cb))
    const pool = new d.Pool(d.config)
    await pool.query('select 1')
    const poolArgs = await withCallback((cb) => pool.end(cb))
    return { same, args: args.map((a) => a ?? null), poolArgs: poolArgs.map((a) => a ?? null) }
  })
})

test('queries issued before connect() (or during it) are queued and run after the login; then drain', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client(d.config)
    const events = []
    c.on('drain', () => events.push('drain'))
    const early = c.query('select 1 as n')
    const cb = withCallback((done) => c.query('select $1::int as n', [2], done))
    await c.connect()
    const during = c.query('select 3 as n')
    const rows = [(await early).rows, (await cb)[1].rows, (await during).rows]
    await new Promise((r) => setTimeout(r, 20))
    await c.end()
    return { rows, drained: events.includes('drain') }
  })
})

test("a closed client's queries fail with node-postgres's message, also after an end() before connect()", { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client(d.config)
    await c.connect()
    const ok = (await c.query('select 1 as n')).rows
    await c.end()
    const afterEnd = await c.query('select 1').then(() => 'resolved', (e) => e.message)
    const early = new d.Client(d.config)
    await early.end() // ends nothing, but marks the client closed (node-postgres gh-1382)
    const connected = await early.connect().then(() => 'connected', (e) => e.message)
    const afterEarlyEnd = await early.query('select 1').then(() => 'resolved', (e) => e.message)
    await early.end()
    return { ok, afterEnd, connected, afterEarlyEnd }
  })
})

test('query_timeout: "Query read timeout"', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client({ ...d.config, query_timeout: 100 })
    c.on('error', () => {})
    await c.connect()
    const message = await c.query('select pg_sleep(2)').then(() => 'resolved', (e) => e.message)
    await c.end().catch(() => {})
    return message
  })
})

test('pool.options never shows the password: JSON.stringify and util.inspect', { timeout: 20000 }, async () => {
  const secret = ROLES.scram.password
  await both(async (d) => {
    const pool = new d.Pool({ ...d.config, connectionString: undefined })
    const shown = JSON.stringify(pool.options) + inspect(pool.options) + inspect(pool, { depth: 4 })
    const readable = pool.options.password === secret
    await pool.end()
    return { leaked: shown.includes(secret), readable }
  })
})

test("types: pg's { getTypeParser } shape; setTypeParser(oid, 'binary', fn) leaves text values alone", { timeout: 20000 }, async () => {
  const types = { getTypeParser: (oid) => (oid === 23 ? (v) => 'int:' + v : (v) => v) }
  await both(async (d) => {
    const c = new d.Client({ ...d.config, types })
    await c.connect()
    const viaOption = (await c.query('select 7::int as n, $1::text as t', ['x'])).rows[0]
    await c.end()
    const c2 = new d.Client(d.config)
    c2.setTypeParser(23, 'binary', () => 'binary parser used')
    await c2.connect()
    const binaryOnly = (await c2.query('select 7::int as n')).rows[0]
    c2.setTypeParser(23, 'text', (v) => Number(v) * 10)
    const textParser = (await c2.query('select 7::int as n')).rows[0]
    await c2.end()
    return { viaOption, binaryOnly, textParser }
  })
})

test('notices are plain objects named notice with the server fields; getTransactionStatus', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client(d.config)
    await c.connect()
    const notices = []
    c.on('notice', (n) => notices.push(n))
    await c.query("do $$ begin raise notice 'hello %', 42; end $$")
    await new Promise((r) => setTimeout(r, 20))
    const statuses = [c.getTransactionStatus()]
    await c.query('begin')
    statuses.push(c.getTransactionStatus())
    // (After a failed statement pg may still say 'T' until it has read ReadyForQuery; edgepg settles a query at
    // ReadyForQuery and says 'E' at once, checked below.)
    await c.query('rollback')
    await c.end()
    const n = notices[0]
    return { name: n.name, message: n.message, code: n.code, severity: n.severity, isError: n instanceof Error, statuses }
  })
})

test('statement_timeout is sent in whole milliseconds; fallback_application_name is used', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client({ ...d.config, statement_timeout: 3000.7, fallback_application_name: 'fallback-app' })
    await c.connect()
    const r = (await c.query("select current_setting('statement_timeout') as st, current_setting('application_name') as app")).rows[0]
    await c.end()
    return r
  })
})

test("getTransactionStatus is 'E' as soon as a statement of the transaction failed", { timeout: 20000 }, async () => {
  const c = new Client(clientConfig(svc))
  await c.connect()
  await c.query('begin')
  await c.query('select 1/0').catch(() => {})
  assert.equal(c.getTransactionStatus(), 'E')
  await c.end()
})

test("a connection lost mid-query: the query fails and the client emits 'error'", { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client(d.config)
    await c.connect()
    const errors = []
    c.on('error', (e) => errors.push(e.code ?? 'error'))
    const pid = (await c.query('select pg_backend_pid() as p')).rows[0].p
    const killer = new d.Client(d.config)
    await killer.connect()
    const pending = c.query('select pg_sleep(5)').then(() => 'resolved', (e) => e.code)
    await new Promise((r) => setTimeout(r, 100))
    await killer.query('select pg_terminate_backend($1)', [pid])
    await killer.end()
    const code = await pending
    await new Promise((r) => setTimeout(r, 50))
    return { code, emitted: errors.length > 0 }
  })
})

test('named statements: { name, text, values } then { name, values }; DatabaseError; a failed pool.connect(cb) gets a release', { timeout: 20000 }, async () => {
  const out = await both(async (d, name) => {
    const c = new d.Client(d.config)
    await c.connect()
    const first = (await c.query({ name: 'add-one', text: 'select $1::int + 1 as n', values: [1] })).rows
    const again = (await c.query({ name: 'add-one', values: [41] })).rows
    const err = await c.query('select * from no_such_table').catch((e) => e)
    await c.end()
    const isDbError = err instanceof (name === 'pg' ? pg.DatabaseError : DatabaseError)
    const unreachable = name === 'pg' ? { port: 1 } : { webSocketUrl: 'ws://127.0.0.1:1/v1' }
    const pool = new d.Pool({ ...d.config, ...unreachable, connectionTimeoutMillis: 2000 })
    const releaseType = await new Promise((resolve) => pool.connect((e, client, release) => resolve(e ? typeof release : 'connected')))
    await pool.end()
    return { first, again, isDbError, code: err.code, releaseType }
  })
  assert.deepEqual(out.again, [{ n: 42 }])
})

test("the Promise option: connect(), query() and end() return that library's promises", { timeout: 20000 }, async () => {
  class MyPromise extends Promise {}
  await both(async (d) => {
    const c = new d.Client({ ...d.config, Promise: MyPromise })
    const connected = c.connect()
    const kinds = [connected instanceof MyPromise]
    await connected
    const q = c.query('select 1')
    kinds.push(q instanceof MyPromise)
    await q
    const e = c.end()
    kinds.push(e instanceof MyPromise)
    await e
    return kinds
  })
})
