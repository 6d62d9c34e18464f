// `npm run bench`: edgepg beside its peers on this machine, in one run, against one PostgreSQL 15 and one
// websockify. Prints tables of medians and ratios; nothing here is a test.
import { drivers } from './drivers.js'
import { fmt, median, printTable, ratio, timeRuns } from './stats.js'

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

const ROWS = 100000
const threeCols = `select g as id, 'row ' || g as label, g * 0.5 as half from generate_series(1, ${ROWS}) g`
for (const name of names) {
  const c = await connected(name)
  put(`${ROWS} rows x 3 columns`, name, await timeRuns(R(7), async () => {
    const r = await c.query(threeCols)
    if (r.rows.length !== ROWS) throw new Error('short result')
  }))
  await c.end()
}

const PIPE = 1000
for (const name of names) {
  const c = await connected(name)
  put(`${PIPE} pipelined select $1::int (all issued, then awaited)`, name, await timeRuns(R(7), async () => {
    const ps = []
    for (let i = 0; i < PIPE; i++) ps.push(c.query('select $1::int as n', [i]))
    await Promise.all(ps)
  }))
  await c.end()
}

const rows = Object.entries(results).map(([label, v]) => [label, ...names.map((n) => fmt(v[n])), ratio(v.edgepg, v.neon), ratio(v.edgepg, v.pg)])
printTable(
  `edgepg vs @neondatabase/serverless (same websockify) vs pg (TCP) — medians, ${new Date().toISOString().slice(0, 10)}, node ${process.version}`,
  ['measure', 'edgepg (wasm, WebSocket)', 'neon (WebSocket)', 'pg (TCP)', 'edgepg/neon', 'edgepg/pg'],
  rows,
)
