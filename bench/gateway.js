// The gateway's table of `npm run bench`: edgepg-gateway beside websockify (the WebSocket path) and beside PgBouncer
// in session mode (the PostgreSQL path), to the same PostgreSQL, on this machine, in one run. Run through
// scripts/with-services.js (npm run bench does). Prints medians and ratios; nothing here is a test.
import { execFile, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, readdirSync, writeFileSync, chmodSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { WebSocket as WsWebSocket } from 'ws'
import { Client as EdgeClient } from 'edgepg'
import { Client as NeonClient, neonConfig } from '@neondatabase/serverless'
import { fmt, median, printTable, ratio, timeInTurns } from './stats.js'
import { startDelayProxy } from './delay-proxy.js'
import { DATABASE, ROLE_PASSWORDS, prepareDatabase, startGateway, token } from '../tests/support/gateway.js'
import { ROLES, freePort, psql, waitForPort } from '../tests/support/services.js'

// The bench's WebSocket: the sockets a timed run opened are awaited closed (untimed) before the next run starts, so
// no run's closing handshake lands on another's time (edgepg's end() does not wait for the server's side of it).
let opened = []
class WebSocket extends WsWebSocket {
  constructor(...args) {
    super(...args)
    opened.push(this)
    this.closed = new Promise((resolve) => this.once('close', resolve))
  }
}
// Runs `fn` and returns the teardown timeInTurns awaits: every socket the run opened, closed.
async function closedAfter(fn) {
  opened = []
  await fn()
  const sockets = opened
  return () => Promise.all(sockets.map((s) => s.closed))
}

const run = promisify(execFile)
const svc = JSON.parse(process.env.EDGEPG_TEST_SERVICES)
const quick = process.argv.includes('--quick')
prepareDatabase(svc)
psql({ ...svc, database: DATABASE }, 'create table rows3 as select g as id, md5(g::text) as name, g % 7 = 0 as flag from generate_series(1, 100000) g',
  'grant select on rows3 to gw_user')
await run('pgbench', ['-i', '-q', '-h', svc.dir, '-p', String(svc.pgPort), '-U', 'postgres', DATABASE])
psql({ ...svc, database: DATABASE }, 'grant select on pgbench_accounts, pgbench_branches, pgbench_tellers to gw_user')
const gw = await startGateway(svc)
const tok = await token({ sub: 'bench', role: 'gw_user' }, { exp: '2h' })

// PgBouncer, session mode, trust from loopback, logging in upstream as gw_user (as the gateway does).
async function startPgBouncer() {
  const dir = mkdtempSync(join(tmpdir(), 'edgepg-pgbouncer-'))
  chmodSync(dir, 0o777)
  const port = await freePort()
  writeFileSync(join(dir, 'users.txt'), '"gw_user" ""\n')
  writeFileSync(join(dir, 'pgbouncer.ini'), `[databases]
${DATABASE} = host=127.0.0.1 port=${svc.pgPort} user=gw_user password=${ROLE_PASSWORDS.gw_user}
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = ${port}
auth_type = trust
auth_file = ${join(dir, 'users.txt')}
pool_mode = session
max_client_conn = 600
default_pool_size = 40
unix_socket_dir =
logfile = ${join(dir, 'pgbouncer.log')}
`)
  chmodSync(join(dir, 'pgbouncer.ini'), 0o644)
  chmodSync(join(dir, 'users.txt'), 0o644)
  const asRoot = process.getuid?.() === 0
  const child = asRoot ? spawn('runuser', ['-u', 'postgres', '--', 'pgbouncer', join(dir, 'pgbouncer.ini')], { stdio: 'ignore' })
    : spawn('pgbouncer', [join(dir, 'pgbouncer.ini')], { stdio: 'ignore' })
  process.once('exit', () => child.kill('SIGKILL'))
  await waitForPort(port, 10000)
  return { port, child }
}
const bouncer = await startPgBouncer()

const tcpConfigs = {
  'PostgreSQL direct': { host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', password: ROLE_PASSWORDS.gw_user, database: DATABASE },
  'edgepg-gateway': { host: '127.0.0.1', port: gw.postgres, user: 'gw_user', password: tok, database: DATABASE },
  PgBouncer: { host: '127.0.0.1', port: bouncer.port, user: 'gw_user', database: DATABASE },
}

// Per query, sequential: every contender connected first, then rounds that time each of them in turn, so drift
// (JIT, CPU frequency, whatever else runs) falls on all alike; the median round of each.
// A raw PostgreSQL session over a WebSocket: startup and cleartext password at once; query(sql) sends a simple
// Query and resolves at its ReadyForQuery, having only framed the answer (no decoding): the proxies alone, without
// a client's work on either side.
async function rawSession(url, user, password) {
  const cstr = (t) => Buffer.from(t + '\0')
  const params = Buffer.concat([cstr('user'), cstr(user), cstr('database'), cstr(DATABASE), Buffer.from([0])])
  const startup = Buffer.alloc(8)
  startup.writeUInt32BE(8 + params.length, 0)
  startup.writeUInt32BE(196608, 4)
  const typed = (type, body) => {
    const head = Buffer.alloc(5)
    head[0] = type.charCodeAt(0)
    head.writeUInt32BE(4 + body.length, 1)
    return Buffer.concat([head, body])
  }
  const sock = new WebSocket(url)
  sock.binaryType = 'nodebuffer'
  await new Promise((resolve, reject) => { sock.once('open', resolve); sock.once('error', reject) })
  let header = Buffer.alloc(0)
  let skip = 0
  let waiting = null // { resolve, reject } of the exchange in flight
  sock.on('message', (chunk) => {
    let i = 0
    while (i < chunk.length) {
      if (skip > 0) {
        const n = Math.min(skip, chunk.length - i)
        skip -= n
        i += n
        continue
      }
      const take = Math.min(5 - header.length, chunk.length - i)
      header = header.length === 0 && take === 5 ? chunk.subarray(i, i + 5) : Buffer.concat([header, chunk.subarray(i, i + take)])
      i += take
      if (header.length < 5) break
      const type = String.fromCharCode(header[0])
      skip = header.readUInt32BE(1) - 4
      header = Buffer.alloc(0)
      if (type === 'E') waiting?.reject(new Error(`${url}: the server refused (ErrorResponse)`))
      if (type === 'Z') {
        const w = waiting
        waiting = null
        w?.resolve()
      }
    }
  })
  const exchange = (bytes) => new Promise((resolve, reject) => {
    waiting = { resolve, reject }
    sock.send(bytes)
  })
  await exchange(Buffer.concat([startup, params, typed('p', cstr(password))]))
  return {
    query: (sql) => exchange(typed('Q', cstr(sql))),
    close: () => sock.close(),
  }
}

// The 100,000-row query through a raw session: milliseconds from sending it to its ReadyForQuery.
async function rawFetch(url, user, password) {
  const session = await rawSession(url, user, password)
  const t0 = performance.now()
  await session.query('select id, name, flag from rows3')
  const elapsed = performance.now() - t0
  session.close()
  return elapsed
}

// CPU time (ns) of a process, its threads and its descendants (websockify forks a process per connection), from
// the scheduler's per-thread accounting (/proc/<tid>/schedstat), which counts in nanoseconds rather than ticks.
function cpuNs(rootPid) {
  const parentOf = new Map()
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8')
      parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]))
    } catch {} // gone meanwhile
  }
  const inTree = (pid) => pid === rootPid || (parentOf.has(pid) && pid !== parentOf.get(pid) && inTree(parentOf.get(pid)))
  let ns = 0
  for (const pid of parentOf.keys()) {
    if (!inTree(pid)) continue
    try {
      for (const tid of readdirSync(`/proc/${pid}/task`)) ns += Number(readFileSync(`/proc/${pid}/task/${tid}/schedstat`, 'utf8').split(' ')[0])
    } catch {}
  }
  return ns
}

// Per query, in turns; with `pids` ({ name: process id }), also the CPU each subject's proxy spent per query.
async function perQueryInterleaved(clients, n, rounds, pids = {}) {
  for (const c of Object.values(clients)) for (let i = 0; i < 200; i++) await c.query('select $1::int as n', [i])
  const cpu = {}
  const ms = await timeInTurns(Object.fromEntries(Object.entries(clients).map(([name, c]) => [name, { name, c }])), rounds, async ({ name, c }) => {
    const before = pids[name] ? cpuNs(pids[name]) : 0
    for (let i = 0; i < n; i++) await c.query('select $1::int as n', [i])
    if (pids[name]) (cpu[name] ??= []).push((cpuNs(pids[name]) - before) / n / 1e6)
  })
  const perQuery = Object.fromEntries(Object.entries(ms).map(([name, t]) => [name, t / n]))
  return Object.assign(perQuery, { cpu: Object.fromEntries(Object.entries(cpu).map(([name, xs]) => [name, median(xs)])) })
}

// ---- the PostgreSQL path: node-postgres over TCP ----
const tcpClients = {}
for (const [name, config] of Object.entries(tcpConfigs)) {
  tcpClients[name] = new pg.Client(config)
  await tcpClients[name].connect()
}
const seq = await perQueryInterleaved(tcpClients, quick ? 500 : 1000, quick ? 3 : 9, { 'edgepg-gateway': gw.child.pid, PgBouncer: bouncer.child.pid })
for (const c of Object.values(tcpClients)) await c.end()
const tps = {}
for (const [name, config] of Object.entries(tcpConfigs)) {
  if (name === 'PostgreSQL direct') continue
  const { stdout } = await run('pgbench', ['-S', '-c', '16', '-j', '2', '-T', quick ? '3' : '10', '-n', '-h', '127.0.0.1',
    '-p', String(config.port), '-U', 'gw_user', DATABASE], { env: { ...process.env, PGPASSWORD: config.password ?? '' } })
  tps[name] = Number(/tps = ([\d.]+)/.exec(stdout)?.[1])
}
const added = (name) => seq[name] - seq['PostgreSQL direct']
printTable('edgepg-gateway, PostgreSQL path (node-postgres over TCP; pgbench -S -c 16 -j 2; same PostgreSQL 15)', ['', 'edgepg-gateway', 'PgBouncer (session)', 'gateway/PgBouncer'], [
  ['sequential select $1::int, per query', fmt(seq['edgepg-gateway']), fmt(seq.PgBouncer), ratio(seq['edgepg-gateway'], seq.PgBouncer)],
  ['added latency over direct, per round trip', fmt(added('edgepg-gateway')), fmt(added('PgBouncer')), ratio(added('edgepg-gateway'), added('PgBouncer'))],
  ["the proxy's CPU per round trip", fmt(seq.cpu['edgepg-gateway']), fmt(seq.cpu.PgBouncer), ratio(seq.cpu['edgepg-gateway'], seq.cpu.PgBouncer)],
  ['pgbench -S, transactions per second', tps['edgepg-gateway'].toFixed(0), tps.PgBouncer.toFixed(0), (tps['edgepg-gateway'] / tps.PgBouncer).toFixed(2) + 'x'],
])
console.log(`(direct to PostgreSQL: ${fmt(seq['PostgreSQL direct'])} per query)`)

// ---- the WebSocket path: edgepg's client through the gateway vs through websockify ----
const wsClients = {
  'edgepg-gateway': () => new EdgeClient({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE,
    password: tok, requireAuth: 'password', webSocketUrl: gw.wsUrl(), webSocketConstructor: WebSocket }),
  websockify: () => new EdgeClient({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE,
    password: ROLE_PASSWORDS.gw_user, webSocketUrl: `ws://127.0.0.1:${svc.wsPort}/v1?address=127.0.0.1:${svc.pgPort}`,
    webSocketConstructor: WebSocket }),
}
const ws = {}
const wsOpen = {}
for (const [name, make] of Object.entries(wsClients)) {
  wsOpen[name] = make()
  await wsOpen[name].connect()
  ws[name] = {}
}
const wsSeq = await perQueryInterleaved(wsOpen, quick ? 500 : 1000, quick ? 3 : 9, { 'edgepg-gateway': gw.child.pid, websockify: svc.websockifyPid })
const wsRows = await timeInTurns(wsOpen, quick ? 3 : 7, (c) => c.query('select id, name, flag from rows3'))
for (const c of Object.values(wsOpen)) await c.end()
const wsConnect = await timeInTurns(wsClients, quick ? 5 : 30, (make) => closedAfter(async () => {
  const k = make()
  await k.connect()
  await k.query('select 1')
  await k.end()
}))
// The proxies alone: a raw WebSocket reader logs in with a cleartext password (the token for the gateway, the
// cleartext role for websockify), sends the 100,000-row query and only frames the answer until ReadyForQuery, so the
// client's decoding (most of the row above) is out of the picture.
psql({ ...svc, database: DATABASE }, `grant select on rows3 to ${ROLES.cleartext.user}`)
const rawReaders = {
  'edgepg-gateway': () => rawFetch(gw.wsUrl(), 'gw_user', tok),
  websockify: () => rawFetch(`ws://127.0.0.1:${svc.wsPort}/v1`, ROLES.cleartext.user, ROLES.cleartext.password),
}
for (let r = 0; r < (quick ? 3 : 7) + 1; r++) {
  for (const [name, fetchRows] of Object.entries(rawReaders)) {
    const ms = await fetchRows()
    if (r > 0) (ws[name].raw ??= []).push(ms) // the first round warms up
  }
}
// Per query through the raw sessions: what each proxy adds to a round trip, without edgepg's client (the same on
// both paths) on top.
const rawSessions = {
  'edgepg-gateway': await rawSession(gw.wsUrl(), 'gw_user', tok),
  websockify: await rawSession(`ws://127.0.0.1:${svc.wsPort}/v1`, ROLES.cleartext.user, ROLES.cleartext.password),
}
const rawQueries = quick ? 500 : 1000
for (const r of Object.values(rawSessions)) for (let i = 0; i < 200; i++) await r.query('select 1')
const rawSeq = await timeInTurns(rawSessions, quick ? 3 : 9, async (r) => {
  for (let i = 0; i < rawQueries; i++) await r.query('select 1')
})
for (const r of Object.values(rawSessions)) r.close()
for (const name of Object.keys(wsClients)) {
  ws[name] = { seq: wsSeq[name], rawSeq: rawSeq[name] / rawQueries, rows: wsRows[name], raw: median(ws[name].raw), connect: wsConnect[name] }
}
const g = ws['edgepg-gateway']
const w = ws.websockify
printTable('edgepg-gateway, WebSocket path (edgepg client; gateway: token login as gw_user; websockify: SCRAM as gw_user)', ['', 'edgepg-gateway', 'websockify', 'gateway/websockify'], [
  ['sequential select $1::int, per query', fmt(g.seq), fmt(w.seq), ratio(g.seq, w.seq)],
  ["the same, the proxy's CPU per round trip", fmt(wsSeq.cpu['edgepg-gateway']), fmt(wsSeq.cpu.websockify), ratio(wsSeq.cpu['edgepg-gateway'], wsSeq.cpu.websockify)],
  ['the same, proxies only (raw reader: simple Query select 1, framed, not decoded)', fmt(g.rawSeq), fmt(w.rawSeq), ratio(g.rawSeq, w.rawSeq)],
  ['100,000 rows x 3 columns', fmt(g.rows), fmt(w.rows), ratio(g.rows, w.rows)],
  ['the same rows, bytes only (raw reader, no decoding)', fmt(g.raw), fmt(w.raw), ratio(g.raw, w.raw)],
  ['connect + first query + end', fmt(g.connect), fmt(w.connect), ratio(g.connect, w.connect)],
])

// ---- row-level security reading the claims: the same policy written three ways, 20,000 rows filtered ----
psql({ ...svc, database: DATABASE }, ...['bare', 'wrapped', 'guc'].map((t) => `create table rls_${t} as select g as id, 'u' || (g % 100) as owner from generate_series(1, 20000) g;
  alter table rls_${t} enable row level security; grant select on rls_${t} to gw_user`),
'create policy p on rls_bare for select to gw_user using (owner = edgepg.sub())',
'create policy p on rls_wrapped for select to gw_user using (owner = (select edgepg.sub()))',
"create policy p on rls_guc for select to gw_user using (owner = current_setting('request.jwt.claims', true)::json ->> 'sub')")
const rlsClient = new pg.Client({ ...tcpConfigs['edgepg-gateway'], password: await token({ sub: 'u7', role: 'gw_user' }, { exp: '2h' }) })
await rlsClient.connect()
const rlsPolicies = { bare: 'rls_bare', wrapped: 'rls_wrapped', guc: 'rls_guc' }
const rls = await timeInTurns(rlsPolicies, quick ? 3 : 7, async (table) => {
  const { rows } = await rlsClient.query(`select count(*)::int as n from ${table}`)
  if (rows[0].n !== 200) throw new Error(`${table}: the policy let ${rows[0].n} rows through, not 200`)
})
await rlsClient.end()
printTable('Row-level security on the claims: select count(*) over 20,000 rows, 200 of them the holder\'s (median)', ['policy', 'time'], [
  ['using (owner = edgepg.sub()): called for every row', fmt(rls.bare)],
  ['using (owner = (select edgepg.sub())): once per statement', fmt(rls.wrapped)],
  ["using (owner = current_setting('request.jwt.claims', true)::json ->> 'sub'): parsed per row", fmt(rls.guc)],
])

// ---- the connect path: a fresh connection, its first query, its end (what an edge function does per request) ----
const pooled = await startGateway(svc, { pool: { max: 10, min_idle: 2 } })
const viaGateway = (gateway, password = () => tok) => () => new EdgeClient({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user',
  database: DATABASE, password, requireAuth: 'password', webSocketUrl: gateway.wsUrl(), webSocketConstructor: WebSocket })
neonConfig.webSocketConstructor = WebSocket
neonConfig.wsProxy = (host, port) => `127.0.0.1:${pooled.websocket}/v2?address=${host}:${port}`
neonConfig.useSecureWebSocket = false
neonConfig.pipelineTLS = false
neonConfig.pipelineConnect = 'password'
const connectRuns = quick ? 20 : 200
// A token never seen before for each connect (signed ahead): the gateway checks its signature, no cached verification.
const freshTokens = await Promise.all(Array.from({ length: connectRuns + 10 }, (_, i) => token({ sub: 'bench-' + i, role: 'gw_user' }, { exp: '2h' })))
const nextFresh = () => freshTokens.pop()
const warmName = 'edgepg, gateway with warm backends'
const togetherName = 'edgepg, warm backends, connect() and query issued together'
const connectPaths = {
  [warmName]: viaGateway(pooled),
  [togetherName]: viaGateway(pooled),
  'edgepg, warm backends, issued together, a new token each time': viaGateway(pooled, nextFresh),
  'edgepg, gateway without pool': viaGateway(gw),
  'edgepg, websockify (SCRAM)': wsClients.websockify,
  "Neon's driver, gateway with warm backends (pipelined login)": () => new NeonClient({ host: '127.0.0.1', port: svc.pgPort,
    user: 'gw_user', database: DATABASE, password: tok }),
}
// The floor: a WebSocket opened to the gateway and one round trip in it (an SSLRequest, answered 'N' by the gateway
// itself), then closed; timed to the answer (the floor) and to the close's end (the closing handshake
// awaited, as pg's and Neon's end() await it; edgepg's end() sends its Terminate and returns: the server closes).
async function floorOnce(awaitClose) {
  const sock = new WebSocket(pooled.wsUrl())
  sock.binaryType = 'nodebuffer'
  await new Promise((resolve, reject) => { sock.once('open', resolve); sock.once('error', reject) })
  const answered = new Promise((resolve) => sock.once('message', resolve))
  sock.send(Buffer.from([0, 0, 0, 8, 4, 210, 22, 47]))
  await answered
  sock.close()
  if (awaitClose) await sock.closed
}
const connectOnce = async (name, make) => {
  const k = make()
  if (name.includes('issued together')) {
    // The pipelined login with its first query: startup, token and query in one WebSocket message.
    const connected = k.connect()
    await k.query('select 1')
    await connected
  } else {
    await k.connect()
    await k.query('select 1')
  }
  await k.end()
}
// Two groups, each in turns (every run times each member once; five runs first warm the paths and the pool). The
// pooled paths against the floor without the others: a path without pool leaves a backend exiting, websockify a
// process, and that teardown would land on whichever subject runs next. Then every path against the pooled ones.
const subjectsOf = (names) => Object.fromEntries(names.map((name) => [name, () => closedAfter(() => connectOnce(name, connectPaths[name]))]))
const pooledNames = Object.keys(connectPaths).filter((name) => name.includes('warm backends') && name.startsWith('edgepg'))
const floorGroup = { ...subjectsOf(pooledNames), floor: () => closedAfter(() => floorOnce(false)), floorClosed: () => closedAfter(() => floorOnce(true)) }
await timeInTurns(floorGroup, 5, (run) => run())
const { floor, floorClosed, ...pooledTimes } = await timeInTurns(floorGroup, connectRuns, (run) => run())
printTable(`Connect path against the floor: new connection + select 1 + end, median of ${connectRuns} (same PostgreSQL 15, gw_user)`,
  ['', 'median', 'this / floor', 'this / floor with close awaited'], [
    ...Object.entries(pooledTimes).map(([name, t]) => [name, fmt(t), ratio(t, floor), ratio(t, floorClosed)]),
    ['floor: WebSocket open + one round trip to the gateway', fmt(floor), '1.00x', ratio(floor, floorClosed)],
    ["floor with its close awaited (as pg's and Neon's end() await theirs)", fmt(floorClosed), ratio(floorClosed, floor), '1.00x'],
  ])
const allGroup = subjectsOf(Object.keys(connectPaths).filter((name) => !name.includes('new token')))
await timeInTurns(allGroup, 5, (run) => run())
const connect = await timeInTurns(allGroup, connectRuns, (run) => run())
const warm = connect[warmName]
const together = connect[togetherName]
printTable(`Connect path against the other paths: the same, median of ${connectRuns}`, ['', 'median', 'edgepg warm / this', 'issued together / this'],
  Object.entries(connect).map(([name, t]) => [name, fmt(t), ratio(warm, t), ratio(together, t)]))

// The same connect path with PostgreSQL about 1 ms from the gateway each way (a delaying proxy; loopback hides what
// a round trip to the database costs): a first query sent with the token runs behind the holder's claims in the
// same round trip; Neon's driver sends its first query after the login's answer.
const proxy = await startDelayProxy(svc.pgPort, 1)
const far = await startGateway(svc, { pool: { max: 10, min_idle: 2 },
  upstream: { host: '127.0.0.1', port: proxy.port, sslmode: 'disable', databases: [DATABASE] } })
const farPaths = {
  [togetherName]: viaGateway(far),
  [warmName]: viaGateway(far),
  "Neon's driver, gateway with warm backends (pipelined login)": () => {
    // The address it asks the gateway for is the gateway's upstream (anything else is refused: 403).
    const c = new NeonClient({ host: '127.0.0.1', port: proxy.port, user: 'gw_user', database: DATABASE, password: tok })
    c.neonConfig.wsProxy = (host, port) => `127.0.0.1:${far.websocket}/v2?address=${host}:${port}`
    return c
  },
}
const farGroup = Object.fromEntries(Object.entries(farPaths).map(([name, make]) => [name, () => closedAfter(() => connectOnce(name, make))]))
await timeInTurns(farGroup, 5, (run) => run())
const farRuns = quick ? 20 : 100
const farTimes = await timeInTurns(farGroup, farRuns, (run) => run())
printTable(`Connect path with PostgreSQL ~1 ms from the gateway each way: the same, median of ${farRuns}`,
  ['', 'median', 'issued together / this'],
  Object.entries(farTimes).map(([name, t]) => [name, fmt(t), ratio(farTimes[togetherName], t)]))
await far.stop()
proxy.close()

// The same connect path with the client about 1 ms from the gateway each way (an edge function and its gateway in
// different places; a delaying proxy in front of the gateway's WebSocket listener): what a round trip to the gateway
// costs, and what end() costs when it awaits the server's side of the closing handshake (Neon's, as pg's) and when
// it does not (edgepg's).
const edgeProxy = await startDelayProxy(pooled.websocket, 1)
const edgeUrl = `ws://127.0.0.1:${edgeProxy.port}/v1`
const distantPaths = {
  [togetherName]: () => new EdgeClient({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE,
    password: () => tok, requireAuth: 'password', webSocketUrl: edgeUrl, webSocketConstructor: WebSocket }),
  "Neon's driver, gateway with warm backends (pipelined login)": () => {
    const c = new NeonClient({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE, password: tok })
    c.neonConfig.wsProxy = (host, port) => `127.0.0.1:${edgeProxy.port}/v2?address=${host}:${port}`
    return c
  },
}
const distantGroup = Object.fromEntries(Object.entries(distantPaths).map(([name, make]) => [name, () => closedAfter(() => connectOnce(name, make))]))
await timeInTurns(distantGroup, 3, (run) => run())
const distantTimes = await timeInTurns(distantGroup, farRuns, (run) => run())
printTable(`Connect path with the client ~1 ms from the gateway each way: the same, median of ${farRuns}`,
  ['', 'median', 'edgepg issued together / this'],
  Object.entries(distantTimes).map(([name, t]) => [name, fmt(t), ratio(distantTimes[togetherName], t)]))
edgeProxy.close()
await pooled.stop()

// ---- 500 concurrent authenticated sessions, each running queries (no pool: 500 backends; scripts/bench raises the
// server's max_connections), with the gateway's resident memory while they are all open ----
const rssOf = (pid, field) => Number(new RegExp(`${field}:\\s+(\\d+) kB`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) * 1024
const crowdGateway = await startGateway(svc, { limits: { auth_timeout_ms: 60000, max_clients: 1000 } })
const crowdSize = quick ? 100 : 500
const idleRss = rssOf(crowdGateway.child.pid, 'VmRSS')
let failures = 0
const connectErrors = new Map()
const crowd = await Promise.all(Array.from({ length: crowdSize }, async (_, i) => {
  const c = new pg.Client({ host: '127.0.0.1', port: crowdGateway.postgres, user: 'gw_user', database: DATABASE,
    password: await token({ sub: `crowd${i}`, role: 'gw_user' }) })
  try {
    await c.connect()
    return c
  } catch (e) {
    failures++
    connectErrors.set(`${e.code} ${e.message}`, (connectErrors.get(`${e.code} ${e.message}`) ?? 0) + 1)
    return null
  }
}))
const t0 = performance.now()
await Promise.all(crowd.map(async (c, i) => {
  if (!c) return
  for (let q = 0; q < 10; q++) {
    const r = await c.query('select $1::int as n, edgepg.sub() as sub', [q]).catch(() => null)
    if (!r || r.rows[0].n !== q || r.rows[0].sub !== `crowd${i}`) failures++
  }
}))
const crowdMs = performance.now() - t0
const openRss = rssOf(crowdGateway.child.pid, 'VmRSS')
await Promise.all(crowd.filter(Boolean).map((c) => c.end().catch(() => {})))
for (const [why, n] of connectErrors) console.log(`(${n} sessions not opened: ${why})`)
const peakRss = Math.max(openRss, rssOf(crowdGateway.child.pid, 'VmHWM'))  // VmHWM is updated lazily
await crowdGateway.stop()
const mb = (b) => (b / 1048576).toFixed(1) + ' MB'
printTable(`${crowdSize} concurrent authenticated sessions through the gateway (node-postgres over TCP, 10 queries each)`, ['', 'value'], [
  ['sessions opened and answered correctly', `${crowdSize * 11 - failures} of ${crowdSize * 11} (connects + queries)`],
  ['10 queries on every session, wall time', fmt(crowdMs)],
  ['gateway RSS idle / all sessions open / peak', `${mb(idleRss)} / ${mb(openRss)} / ${mb(peakRss)}`],
])

await gw.stop()
bouncer.child.kill('SIGTERM')
process.exit(0)
