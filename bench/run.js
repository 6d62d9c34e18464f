// `npm run bench`: edgepg beside its peers on this machine, in one run, against one PostgreSQL 15 and one
// websockify. Prints tables of medians and ratios; nothing here is a test.
import { drivers } from './drivers.js'
import { fmt, median, printTable, ratio, timeInTurns, timeRuns } from './stats.js'
import { cacheRow, jwtRows } from './identity.js'
import { Client as EdgeClient } from 'edgepg'
import { WebSocket } from 'ws'
import { ROLES } from '../tests/support/services.js'

const svc = JSON.parse(process.env.EDGEPG_TEST_SERVICES)
const make = drivers(svc)
const names = ['edgepg', 'neon', 'pg']
const quick = process.argv.includes('--quick')
const R = (n) => (quick ? Math.max(3, Math.ceil(n / 5)) : n)

async function connected(name) {
  const c = make[name]()
  await c.connect()
  return c
}

// Warm every driver once (wasm compile, JIT), so the tables compare steady states.
for (const name of names) {
  const c = await connected(name)
  for (let i = 0; i < 200; i++) await c.query('select $1::int as n', [i])
  await c.end()
}

const results = {}
const put = (row, name, v) => ((results[row] ??= {})[name] = v)

for (const name of names) {
  put('connect + first query', name, await timeRuns(R(30), async () => {
    const c = make[name]()
    await c.connect()
    await c.query('select 1 as n')
    await c.end()
  }))
}

const SEQ = 2000
for (const name of names) {
  const c = await connected(name)
  const per = []
  for (let round = 0; round < R(5); round++) {
    const t0 = performance.now()
    for (let i = 0; i < SEQ; i++) await c.query('select $1::int as n', [i])
    per.push((performance.now() - t0) / SEQ)
  }
  put(`sequential select $1::int (per query, ${SEQ} in a row)`, name, median(per))
  await c.end()
}

// The big results and the pipelined batch: the three drivers in turns on open connections, after one warm-up run each.
async function inTurns(label, runs, fn) {
  const open = {}
  for (const name of names) open[name] = await connected(name)
  for (const c of Object.values(open)) await fn(c)
  const medians = await timeInTurns(open, runs, fn)
  for (const name of names) {
    put(label, name, medians[name])
    await open[name].end()
  }
}

const ROWS = 100000
const threeCols = `select g as id, 'row ' || g as label, g * 0.5 as half from generate_series(1, ${ROWS}) g`
await inTurns(`${ROWS} rows x 3 columns`, R(9), async (c) => {
  const r = await c.query(threeCols)
  if (r.rows.length !== ROWS) throw new Error('short result')
})

const MIXED = `select g::int8 as i8, (g * 1.25)::numeric(12,2) as num, timestamptz '2024-01-01' + g * interval '1 second' as ts,
  jsonb_build_object('id', g, 'tags', jsonb_build_array('a', 'b')) as doc, array['x' || g, 'y'] as tags, decode(md5(g::text), 'hex') as bin,
  g % 2 = 0 as flag, g * 0.5::float8 as f8, md5(g::text) as txt, date '2024-01-01' + (g % 365) as d
  from generate_series(1, ${ROWS}) g`
await inTurns(`${ROWS} rows x 10 mixed columns (int8, numeric, timestamptz, jsonb, text[], bytea, ...)`, R(5), async (c) => {
  const r = await c.query(MIXED)
  if (r.rows.length !== ROWS) throw new Error('short result')
})

const PIPE = 1000
await inTurns(`${PIPE} pipelined select $1::int (all issued, then awaited)`, R(7), async (c) => {
  const ps = []
  for (let i = 0; i < PIPE; i++) ps.push(c.query('select $1::int as n', [i]))
  await Promise.all(ps)
})

// The same 1000 queries, each awaited before the next, on edgepg: the pipelining gain.
{
  const c = await connected('edgepg')
  put(`${PIPE} awaited select $1::int, one after another (edgepg)`, 'edgepg', await timeRuns(R(5), async () => {
    for (let i = 0; i < PIPE; i++) await c.query('select $1::int as n', [i])
  }))
  await c.end()
}

// Connect + first query with a cold and a warm SCRAM key cache (warm: PBKDF2 skipped).
{
  const cfg = (extra) => ({ host: '127.0.0.1', port: svc.pgPort, user: ROLES.scram.user, password: ROLES.scram.password, database: 'edgepg_test',
    webSocketUrl: `ws://127.0.0.1:${svc.wsPort}/v1?address=127.0.0.1:${svc.pgPort}`, webSocketConstructor: WebSocket, ...extra })
  const once = async (extra) => {
    const c = new EdgeClient(cfg(extra))
    await c.connect()
    await c.query('select 1')
    await c.end()
  }
  put('connect + first query, SCRAM keys not cached (PBKDF2 each time)', 'edgepg', await timeRuns(R(20), () => once({ scramKeyCache: false })))
  put('connect + first query, SCRAM keys cached (warm reconnect)', 'edgepg', await timeRuns(R(20), () => once({})))
  put('connect + first query, SCRAM keys not cached (PBKDF2 each time)', 'neon', results['connect + first query'].neon)
  put('connect + first query, SCRAM keys cached (warm reconnect)', 'neon', results['connect + first query'].neon)
}

const rows = Object.entries(results).map(([label, v]) => [label, ...names.map((n) => fmt(v[n])), ratio(v.edgepg, v.neon), ratio(v.edgepg, v.pg)])
printTable(
  `edgepg vs @neondatabase/serverless (same websockify) vs pg (TCP) — medians, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`,
  ['measure', 'edgepg (wasm, WebSocket)', 'neon (WebSocket)', 'pg (TCP)', 'edgepg/neon', 'edgepg/pg'],
  rows,
)

// Memory: 100,000 queries on one connection (pipelined in batches of 1,000); the wasm heap and the JS heap after the
// first 1,000 and after all of them.
{
  const { loadCore } = await import('../wasm/src/core.js')
  const core = await loadCore()
  const c = await connected('edgepg')
  const batch = async () => {
    const ps = []
    for (let i = 0; i < 1000; i++) ps.push(c.query('select $1::int as n, $2::text as t', [i, 'x' + i]))
    await Promise.all(ps)
  }
  const heaps = () => {
    globalThis.gc?.()
    return { wasm: core.HEAPU8.byteLength, js: process.memoryUsage().heapUsed }
  }
  await batch()
  const first = heaps()
  const total = quick ? 20 : 100
  for (let b = 1; b < total; b++) await batch()
  const last = heaps()
  await c.end()
  const mib = (n) => (n / 1048576).toFixed(2) + ' MiB'
  printTable(`Memory over ${total * 1000} queries on one edgepg connection${globalThis.gc ? '' : ' (run with --expose-gc for exact JS figures)'}`,
    ['heap', 'after 1,000', `after ${total * 1000}`, 'growth'],
    [['wasm linear memory', mib(first.wasm), mib(last.wasm), mib(last.wasm - first.wasm)],
      ['JS heap used', mib(first.js), mib(last.js), mib(last.js - first.js)]])
}

const jwt = await jwtRows()
printTable('JWT verification: edgepg wasm (in this Node process, beside jose) and edgepg native (C++, same keys and tokens)',
  ['measure', 'edgepg wasm', 'jose', 'wasm/jose', 'edgepg native', 'native/jose'], jwt.rows)
const hitNs = await cacheRow()
printTable('TokenCache hit cost', ['measure', 'ns per get'], [
  ['wasm: JS TokenCache.get (async wrapper + wasm lookup)', hitNs.toFixed(0) + ' ns'],
  ['native: TokenCache::lookup (C++)', jwt.nativeCacheHitNs ? jwt.nativeCacheHitNs.toFixed(0) + ' ns' : '-'],
])
