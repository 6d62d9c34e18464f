// Pool, transactions and the neon()-style tagged template, against the real PostgreSQL.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { Client, Pool, neon, EdgepgError } from 'edgepg'
import { getServices, clientConfig, ROLES } from '../support/env.js'

let svc
before(async () => {
  svc = await getServices()
})

function connectionString() {
  const r = ROLES.scram
  return `postgres://${r.user}:${encodeURIComponent(r.password)}@127.0.0.1:${svc.pgPort}/edgepg_test`
}
function sqlFor(opts = {}) {
  const { webSocketUrl, webSocketConstructor } = clientConfig(svc)
  return neon(connectionString(), { webSocketUrl, webSocketConstructor, ...opts })
}

test('client.transaction commits on return, rolls back and rethrows on throw, connection stays usable', async () => {
  const c = new Client(clientConfig(svc))
  await c.connect()
  try {
    await transactionChecks(c)
  } finally {
    await c.end()
  }
})

async function transactionChecks(c) {
  await c.query('create temp table tx (n int)')
  const r = await c.transaction(async (tx) => {
    await tx.query('insert into tx values (1)')
    return 'done'
  })
  assert.equal(r, 'done')
  const boom = new Error('boom')
  await assert.rejects(c.transaction(async (tx) => {
    await tx.query('insert into tx values (2)')
    throw boom
  }), (e) => e === boom)
  assert.deepEqual((await c.query('select n from tx order by n')).rows, [{ n: 1 }])
  const iso = await c.transaction(async (tx) => (await tx.query('show transaction_isolation')).rows[0].transaction_isolation,
    { isolationLevel: 'serializable', readOnly: true, deferrable: true })
  assert.equal(iso, 'serializable')
  await assert.rejects(c.transaction(async (tx) => tx.query('create table ro_fail (n int)'), { readOnly: true }), { code: '25006' })
  assert.equal(c.transactionStatus, 'I')
  await assert.rejects(c.transaction(async () => {}, { isolationLevel: 'chaos' }), (e) => e instanceof EdgepgError && e.code === 'EINVAL')
  assert.equal((await c.query('select 1 as one')).rows[0].one, 1)
}

test('pool: query, connect/release, max bound, waiting, broken connections dropped, end', async () => {
  const pool = new Pool({ ...clientConfig(svc), max: 2, idleTimeoutMillis: 1000 })
  const results = await Promise.all(Array.from({ length: 10 }, (_, i) => pool.query('select $1::int as n, pg_backend_pid() as pid', [i])))
  assert.deepEqual(results.map((r) => r.rows[0].n), [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
  assert.ok(new Set(results.map((r) => r.rows[0].pid)).size <= 2, 'never more than max connections')
  assert.ok(pool.totalCount <= 2)

  const a = await pool.connect()
  let b = await pool.connect()
  assert.equal(pool.idleCount, 0)
  let cGot = false
  const cP = pool.connect().then((c) => { cGot = true; return c })
  await new Promise((r) => setTimeout(r, 50))
  assert.equal(cGot, false, 'a third client waits while two are out')
  assert.equal(pool.waitingCount, 1)
  a.release()
  const c = await cP
  assert.equal(c, a, 'the released client goes to the waiter')
  assert.throws(() => b.release() || b.release(), { code: 'EINVAL' }) // a second release of the same checkout
  const b2 = await pool.connect()
  assert.equal(b2, b)
  b = b2
  // Break b's connection from the server side: the pool must drop it, not hand it out again.
  const killer = new Client(clientConfig(svc))
  await killer.connect()
  await killer.query('select pg_terminate_backend($1)', [b.processID])
  await killer.end()
  await assert.rejects(b.query('select 1'))
  b.release()
  const d = await pool.connect()
  assert.notEqual(d, b)
  assert.equal((await d.query('select 1 as one')).rows[0].one, 1)
  d.release()
  c.release()
  await pool.end()
  await assert.rejects(pool.query('select 1'), { code: 'EINVAL' })
})

test('pool.connect times out with ETIMEDOUT when all connections stay busy', async () => {
  const pool = new Pool({ ...clientConfig(svc), max: 1, connectionTimeoutMillis: 200 })
  const a = await pool.connect()
  await assert.rejects(pool.connect(), { code: 'ETIMEDOUT' })
  a.release()
  await pool.end()
})

test('a client released inside a transaction is not reused', async () => {
  const pool = new Pool({ ...clientConfig(svc), max: 1 })
  const a = await pool.connect()
  await a.query('begin')
  a.release()
  const b = await pool.connect()
  assert.notEqual(a, b)
  assert.equal(b.transactionStatus, 'I')
  b.release()
  await pool.end()
})

test('neon(): tagged template with parameters, nested fragments, unsafe, options', async () => {
  const sql = sqlFor()
  const id = 7
  assert.deepEqual(await sql`select ${id}::int as id, ${'x; drop table y'}::text as t`, [{ id: 7, t: 'x; drop table y' }])
  const where = sql`where n > ${2}`
  const rows = await sql`select n from generate_series(1, 5) n ${where} and n < ${5} order by n`
  assert.deepEqual(rows, [{ n: 3 }, { n: 4 }])
  const col = sql.unsafe('n')
  assert.deepEqual(await sql`select ${col} from generate_series(1, 2) n`, [{ n: 1 }, { n: 2 }])
  await assert.rejects(async () => await sql.unsafe('select 1'), { code: 'EINVAL' })
  const q = sql`select ${1}::int as a, ${'b'}::text as b`
  assert.deepEqual(q.toParameterizedQuery(), { query: 'select $1::int as a, $2::text as b', params: [1, 'b'] })
  assert.deepEqual(await sql.query('select $1::int + 1 as n', [1]), [{ n: 2 }])
  const full = await sql.query('select 1 as n', [], { fullResults: true })
  assert.equal(full.rowCount, 1)
  assert.deepEqual(full.fields.map((f) => f.name), ['n'])
  assert.deepEqual(await sql.query('select 1 as a, 2 as b', [], { arrayMode: true }), [[1, 2]])
  const arr = sqlFor({ arrayMode: true, fullResults: true })
  assert.deepEqual((await arr`select ${3}::int as c`).rows, [[3]])
  await assert.rejects(sql`select 1/0`, { code: '22012' })
  assert.throws(() => sql('select 1'), { code: 'EINVAL' })
  await sql.end()
  await arr.end()
})

test('neon(): sql.transaction sends all statements in one round trip and is atomic', async () => {
  const sql = sqlFor()
  await sql`create table if not exists neon_tx (n int)`
  await sql`truncate neon_tx`
  const [ins, sel] = await sql.transaction([sql`insert into neon_tx values (${1}), (${2})`, sql`select count(*)::int as c from neon_tx`])
  assert.deepEqual(ins, [])
  assert.deepEqual(sel, [{ c: 2 }])
  await assert.rejects(sql.transaction([sql`insert into neon_tx values (${3})`, sql`select 1/0`, sql`insert into neon_tx values (${4})`]), { code: '22012' })
  assert.deepEqual(await sql`select n from neon_tx order by n`, [{ n: 1 }, { n: 2 }])
  const iso = await sql.transaction((tx) => [tx`show transaction_isolation`], { isolationLevel: 'repeatable read' })
  assert.equal(iso[0][0].transaction_isolation, 'repeatable read')
  await sql`drop table neon_tx`
  await sql.end()
})
