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

// Named statements are server-side prepared statements, parsed once per connection: pg_prepared_statements shows
// them, and the same name with other text fails with pg's message.
test('named statements are prepared on the server once per connection; other text under a name fails as in pg', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client(d.config)
    await c.connect()
    const q = { name: 'plus-one', text: 'select $1::int + 1 as n', values: [1] }
    const rows = [(await c.query(q)).rows, (await c.query({ name: 'plus-one', values: [41] })).rows,
      (await c.query({ ...q, values: [2] })).rows]
    const onServer = (await c.query("select name, statement from pg_prepared_statements where name = 'plus-one'")).rows
    const clash = await c.query({ name: 'plus-one', text: 'select 2', values: [] }).catch((e) => e.message)
    const after = (await c.query({ name: 'plus-one', values: [9] })).rows // the clash left the statement alone
    const empties = await Promise.all([
      c.query({ name: 'e1', text: null }), c.query({ name: 'e2', text: '   ' }), c.query({ name: 'e3', text: '' }),
    ]).then((rs) => rs.map((r) => r.rows))
    await c.end()
    // A new connection has none of them.
    const c2 = new d.Client(d.config)
    await c2.connect()
    const fresh = (await c2.query("select count(*)::int as n from pg_prepared_statements")).rows
    const again = (await c2.query(q)).rows
    await c2.end()
    return { rows, onServer, clash, after, empties, fresh, again }
  })
})

test('named statements after DEALLOCATE, DISCARD ALL and a 26000 error are parsed again (pg fails with 26000)', { timeout: 20000 }, async () => {
  const [, d] = drivers().find(([name]) => name === 'edgepg')
  const c = new d.Client(d.config)
  await c.connect()
  const q = { name: 'twice', text: 'select $1::int * 2 as n', values: [4] }
  const run = async (v) => (await c.query({ name: 'twice', values: [v] })).rows[0].n
  assert.equal((await c.query(q)).rows[0].n, 8)
  await c.query('deallocate twice')
  assert.equal(await run(5), 10)
  await c.query('discard all')
  assert.equal(await run(6), 12)
  // Sent before the DEALLOCATE's answer is seen: the statement is gone, the server says 26000; then it is parsed again.
  const dropped = c.query('deallocate twice')
  const gone = await c.query({ name: 'twice', values: [7] }).catch((e) => e.code)
  await dropped
  assert.equal(gone, '26000')
  assert.equal(await run(8), 16)
  // A failed Parse leaves nothing behind: a later correct text under the same name works.
  const bad = await c.query({ name: 'oops', text: 'select nonsense(', values: [] }).catch((e) => e.code)
  assert.equal(bad, '42601')
  assert.deepEqual((await c.query({ name: 'oops', text: 'select 1 as one', values: [] })).rows, [{ one: 1 }])
  await c.end()

  // pg does not track DEALLOCATE: the next use fails (recorded so that a change in pg shows here).
  const [, p] = drivers().find(([name]) => name === 'pg')
  const pc = new p.Client(p.config)
  await pc.connect()
  await pc.query(q)
  await pc.query('deallocate twice')
  assert.equal(await pc.query({ name: 'twice', values: [5] }).catch((e) => e.code), '26000')
  await pc.end()
})

test('pooled clients keep their named statements per connection', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const pool = new d.Pool({ ...d.config, max: 2 })
    const q = (v) => pool.query({ name: 'pooled', text: 'select $1::int as n, pg_backend_pid() as pid', values: [v] })
    const [a, b] = await Promise.all([q(1), q(2)]) // two connections, each parses it
    const c = await q(3)
    const client = await pool.connect()
    const count = (await client.query("select count(*)::int as n from pg_prepared_statements where name = 'pooled'")).rows[0].n
    client.release()
    await pool.end()
    return { ns: [a.rows[0].n, b.rows[0].n, c.rows[0].n], count, twoBackends: a.rows[0].pid !== b.rows[0].pid }
  })
})

// pg sends Buffer (and other ArrayBuffer view) parameters in binary format: their bytes are the value.
test('Buffer and Uint8Array parameters are binary: an empty Buffer into text is empty, bytea round-trips', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client(d.config)
    await c.connect()
    await c.query('create temp table posts (body text, data bytea)')
    const ins = 'insert into posts (body, data) values ($1, $2) returning body, encode(data, \'hex\') as hex'
    const rows = [
      (await c.query(ins, [Buffer.from('foo'), Buffer.from([0, 1, 254, 255])])).rows,
      (await c.query(ins, [Buffer.from([]), Buffer.from([])])).rows,
      (await c.query(ins, [new Uint8Array([104, 105]), new Uint16Array([0x4241])])).rows,
    ]
    const back = (await c.query('select $1::bytea as b', [Buffer.from([0, 92, 120, 255])])).rows[0].b
    const sizes = (await c.query('select octet_length($1::bytea) as n, $2::bytea[] as arr', [Buffer.alloc(70000, 7), [Buffer.from('a')]])).rows
    const notInt = await c.query('select $1::int as n', [Buffer.from('12')]).catch((e) => e.code) // binary int4 needs 4 bytes
    const named = (await c.query({ name: 'bin', text: 'select $1::text as t', values: [Buffer.from('héllo')] })).rows
    await c.end()
    return { rows, back: Buffer.from(back).toString('hex'), n: sizes[0].n, arr: sizes[0].arr.map((x) => Buffer.from(x).toString('hex')), notInt, named }
  })
})

test("a query refused before it is sent is followed by 'drain', as in pg", { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client(d.config)
    await c.connect()
    const drained = await new Promise((resolve) => {
      c.query({ text: {} }, (err) => {
        assert.ok(err)
        c.query({}, (err2) => {
          assert.ok(err2)
          const timer = setTimeout(() => resolve(false), 2000)
          c.on('drain', () => {
            clearTimeout(timer)
            resolve(true)
          })
        })
      })
    })
    await c.end()
    return drained
  })
})

test('end() during the login: queued queries run first, then the client ends (pg with pipeline: true)', { timeout: 20000 }, async () => {
  await both(async (d) => {
    const c = new d.Client({ ...d.config, pipeline: true })
    const connected = c.connect().then(() => 'connected')
    const p1 = c.query('select 1 as num')
    const p2 = c.query('select 2 as num')
    const ended = c.end().then(() => 'ended')
    const rows = (await Promise.all([p1, p2])).map((r) => r.rows)
    const after = await c.query('select 3').catch((e) => e.message)
    return { rows, states: await Promise.all([connected, ended]), after }
  })
})

test("a FATAL error: the running query gets it, the ones behind it 'Connection terminated unexpectedly'", { timeout: 20000 }, async () => {
  await both(async (d) => {
    const pool = new d.Pool(d.config)
    const client = await pool.connect()
    const errors = []
    client.on('error', (e) => errors.push(e.code ?? e.message))
    const [first, second] = await Promise.all([
      client.query('select pg_terminate_backend(pg_backend_pid())').catch((e) => e.code),
      client.query('select 1').catch((e) => e.message),
    ])
    const later = await client.query('select 1').catch((e) => e.message)
    client.release(true)
    await pool.end()
    return { first, second, later, emitted: errors.length > 0 }
  })
})

test('end() right after connect(), nothing queued: connect() fails at once (pg leaves it pending), never as an unhandled rejection', { timeout: 20000 }, async () => {
  const [, d] = drivers().find(([name]) => name === 'edgepg')
  const c = new d.Client(d.config)
  const connected = c.connect().then(() => 'connected', (e) => `${e.code} ${e.message}`)
  await c.end()
  const timeout = new Promise((resolve) => setTimeout(() => resolve('pending'), 3000))
  assert.equal(await Promise.race([connected, timeout]), 'ECONNCLOSED the client was ended while connecting')

  // node-postgres's quick-disconnect test: connect() and end() with nothing awaiting the connect.
  const unhandled = []
  const onUnhandled = (reason) => unhandled.push(reason)
  process.on('unhandledRejection', onUnhandled)
  try {
    const c2 = new d.Client(d.config)
    c2.connect()
    await c2.end()
    await new Promise((resolve) => setTimeout(resolve, 100))
  } finally {
    process.off('unhandledRejection', onUnhandled)
  }
  assert.deepEqual(unhandled, [])
})
