// Differential: every query of the corpus through `pg` over TCP and through edgepg over WebSocket, against the
// same PostgreSQL. Rows, fields and error codes must be deep-equal (bytes compared for bytea).
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { Client } from 'edgepg'
import { getServices, clientConfig, ROLES } from '../support/env.js'
import { corpus } from './corpus.js'

let svc, ours, theirs
before(async () => {
  svc = await getServices()
  ours = new Client(clientConfig(svc, 'scram'))
  await ours.connect()
  theirs = new pg.Client({ host: '127.0.0.1', port: svc.pgPort, user: ROLES.scram.user, password: ROLES.scram.password, database: 'edgepg_test' })
  await theirs.connect()
  // Same session settings on both (the server's defaults apply to both anyway).
  for (const c of [ours, theirs]) await c.query("set timezone = 'America/New_York'")
})
after(async () => {
  await ours?.end()
  await theirs?.end()
})

// A comparable form: Buffers and Uint8Arrays as byte lists, Dates as their time value, intervals as plain objects.
function normal(v) {
  if (v === null || v === undefined) return v
  if (v instanceof Uint8Array) return { bytes: Array.from(v) }
  if (v instanceof Date) return { date: v.getTime() }
  if (Array.isArray(v)) return v.map(normal)
  if (typeof v === 'object') {
    const o = {}
    for (const k of Object.keys(v)) o[k] = normal(v[k])
    return o
  }
  return v
}

async function outcome(client, sql, values) {
  try {
    const r = await client.query(sql, values)
    return { rows: normal(r.rows), fields: r.fields.map((f) => [f.name, f.dataTypeID]), rowCount: r.rowCount, command: r.command }
  } catch (e) {
    return { error: e.code }
  }
}

test('corpus has at least 150 queries', () => {
  assert.ok(corpus().length >= 150, `only ${corpus().length}`)
})

test('pg and edgepg agree on every query of the corpus', async () => {
  let errors = 0
  for (const [sql, values] of corpus()) {
    const expected = await outcome(theirs, sql, values)
    const actual = await outcome(ours, sql, values)
    if (expected.error) errors++
    assert.deepEqual(actual, expected, `query: ${sql} ${values ? JSON.stringify(values, (k, v) => (typeof v === 'bigint' ? String(v) : v)) : ''}`)
  }
  assert.ok(errors >= 10, 'the corpus exercises error paths too')
})

test('int8 option: number and bigint', async () => {
  for (const [mode, expected] of [['number', 9007199254740992], ['bigint', 9007199254740993n]]) {
    const c = new Client(clientConfig(svc, 'scram', { int8: mode }))
    await c.connect()
    const r = await c.query('select 9007199254740993::int8 as v, array[1, null]::int8[] as a')
    assert.equal(r.rows[0].v, expected)
    assert.deepEqual(r.rows[0].a, mode === 'bigint' ? [1n, null] : [1, null])
    await c.end()
  }
})

test('types option and setTypeParser override parsing per type OID', async () => {
  const c = new Client(clientConfig(svc, 'scram', { types: { 1700: (s) => Number(s) } }))
  await c.connect()
  c.setTypeParser(1184, (s) => 'tz:' + s)
  const r = await c.query("select 1.25::numeric as n, '2024-01-02 03:04:05+00'::timestamptz as t, null::numeric as z")
  assert.equal(r.rows[0].n, 1.25)
  assert.match(r.rows[0].t, /^tz:2024-01-02 03:04:05\+00$/)
  assert.equal(r.rows[0].z, null)
  await c.end()
})

test('text in an unexpected shape falls back to the raw string', async () => {
  // A domain over text that claims nothing; and a custom type whose OID we register as bool through setTypeParser
  // cannot change server text. Instead: ask for int4 values in a shape the server cannot send, via a type whose
  // output we control: a domain over text reported as its base type is still text. The core's fallback is what
  // matters: a bool column fed "maybe" (through a text cast reported as bool is impossible), so we check the
  // path with the closest real case: a json column holding text that is not JSON cannot exist either, hence the
  // unit tests of the core cover the malformed shapes; here we check that arrays of unregistered types stay text.
  const r = await ours.query("select array['[1,2)'::int4range] as v, '(1,2),(3,4)'::box as b")
  assert.equal(r.rows[0].v, '{"[1,2)"}')
  assert.equal(r.rows[0].b, '(3,4),(1,2)')
})
