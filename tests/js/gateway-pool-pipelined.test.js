// A warm backend's first query sent with the token (edgepg's and Neon's pipelined logins): the gateway puts the
// client's first messages on the backend behind its own BEGIN, claims and settings, COMMIT, in one write. Whatever
// those messages do (fail, open a transaction and roll it back, run in the extended protocol with more behind them),
// the holder's claims stay in; when the claims cannot go in (the armed row is gone), none of them runs, not even a
// Query sent behind a Sync. Raw bytes over TCP, so that what is pipelined is exactly what the test says.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { getServices } from '../support/env.js'
import { psql } from '../support/services.js'
import { DATABASE, prepareDatabase, startGateway, token } from '../support/gateway.js'
import { Wire, errorFields, pgMessage, startupPacket, tcp } from '../support/pg-wire.js'

let svc, gw

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  psql(svc, "do $$ begin if not exists (select from pg_roles where rolname = 'gw_reader') then create role gw_reader login; end if; end $$",
    "alter role gw_reader password 'gw-reader-pw-5e1a'", 'alter role gw_reader set default_transaction_read_only = on')
  psql({ ...svc, database: DATABASE }, 'create table if not exists pipelined_probe (x int)', 'grant select, insert on pipelined_probe to gw_user',
    'truncate pipelined_probe')
  gw = await startGateway(svc, { pool: { max: 1, min_idle: 0, idle_timeout_ms: 60000 }, extraRoles: { gw_reader: 'gw-reader-pw-5e1a' } })
})
after(async () => {
  await gw?.stop()
})

const cstr = (s) => Buffer.from(s + '\0')
const query = (sql) => pgMessage('Q', cstr(sql))
const int16 = (n) => Buffer.from([n >> 8, n & 255])
// Parse/Bind/Execute of an unnamed statement without parameters.
const extended = (sql) => [pgMessage('P', Buffer.concat([cstr(''), cstr(sql), int16(0)])),
  pgMessage('B', Buffer.concat([cstr(''), cstr(''), int16(0), int16(0), int16(0)])),
  pgMessage('E', Buffer.concat([cstr(''), Buffer.alloc(4)]))]
const sync = () => pgMessage('S', Buffer.alloc(0))

function cells(body) {
  const out = []
  let at = 2
  for (let i = 0; i < body.readInt16BE(0); i++) {
    const len = body.readInt32BE(at)
    at += 4
    out.push(len < 0 ? null : body.subarray(at, at + len).toString('utf8'))
    at += Math.max(len, 0)
  }
  return out
}

const pipelinedCount = async (g = gw) =>
  Number(/edgepg_gateway_first_queries_pipelined_total (\d+)/.exec(await (await fetch(`http://127.0.0.1:${g.http}/metrics`)).text())[1])

// Startup, the token and `messages` in one write to gateway `g`; reads until `readies` ReadyForQuery or an error.
// Returns the messages (DataRows as their cells) and the Wire, still open.
async function pipelinedLogin({ sub, role = 'gw_user', params = {}, messages, readies, g = gw }) {
  const wire = new Wire(await tcp(g.postgres))
  const password = pgMessage('p', cstr(await token({ sub, role })))
  wire.socket.write(Buffer.concat([startupPacket({ user: role, database: DATABASE, ...params }), password, ...messages]))
  const seen = []
  for (let z = 0; z < readies;) {
    const m = await wire.message()
    if (m === null) break
    seen.push({ type: m.type, ...(m.type === 'D' ? { cells: cells(m.body) } : {}), ...(m.type === 'E' ? { error: errorFields(m.body) } : {}),
      ...(m.type === 'S' ? { status: m.body.toString('utf8').split('\0').slice(0, 2) } : {}) })
    if (m.type === 'Z') z++
    if (m.type === 'E' && z === 0) break  // the login's refusal
  }
  return { seen, wire }
}

async function next(wire, sql) {
  wire.socket.write(query(sql))
  const rows = []
  for (;;) {
    const m = await wire.message()
    assert.ok(m, `the connection closed during ${sql}`)
    if (m.type === 'D') rows.push(cells(m.body))
    if (m.type === 'E') throw new Error(errorFields(m.body).M)
    if (m.type === 'Z') return rows
  }
}

const bye = (wire) => {
  wire.socket.end(pgMessage('X', Buffer.alloc(0)))
  return wire.closed()
}

// One warm backend of the role, armed, idle: its pid.
async function warmBackend(role = 'gw_user') {
  const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: role, database: DATABASE, password: await token({ sub: 'warm', role }) })
  await c.connect()
  const pid = (await c.query('select pg_backend_pid() p')).rows[0].p
  await c.end()
  const armed = () => psql({ ...svc, database: DATABASE }, `select count(*) from edgepg.sessions where pid = ${pid} and claims is null`).trim()
  for (let i = 0; i < 100 && armed() !== '1'; i++) await new Promise((r) => setTimeout(r, 20))
  assert.equal(armed(), '1', 'the backend went back armed')
  return pid
}

test('a first query sent with the token runs on the warm backend behind the holder\'s claims and settings', async () => {
  const pid = await warmBackend()
  const before = await pipelinedCount()
  const { seen, wire } = await pipelinedLogin({ sub: 'pia', params: { application_name: 'pipe-app', search_path: 'public' }, readies: 2,
    messages: [query("select edgepg.sub(), current_setting('request.jwt.claims')::jsonb->>'sub', current_setting('application_name'), pg_backend_pid()")] })
  assert.deepEqual(seen.filter((m) => m.type === 'E'), [])
  assert.deepEqual(seen.find((m) => m.type === 'D').cells, ['pia', 'pia', 'pipe-app', String(pid)])
  assert.equal(await pipelinedCount(), before + 1, 'the first query went with the claims')
  // The greeting already shows the holder's application_name (the server's own report follows before the first
  // ReadyForQuery of its query).
  const greetingEnd = seen.findIndex((m) => m.type === 'Z')
  const shown = seen.slice(0, greetingEnd).find((m) => m.type === 'S' && m.status[0] === 'application_name')
  assert.deepEqual(shown.status, ['application_name', 'pipe-app'])
  assert.deepEqual(await next(wire, 'select edgepg.sub()'), [['pia']])
  // Its other startup parameters too; the gateway's own statements left nothing prepared.
  assert.deepEqual(await next(wire, "select current_setting('search_path'), (select count(*) from pg_prepared_statements)"),
    [['public', '0']])
  await bye(wire)
  // A value with a double quote and a backslash arrives as sent (a protocol parameter, never spliced into SQL).
  await warmBackend()
  const odd = 'app "quoted" \\ slash'
  const quoted = await pipelinedLogin({ sub: 'quin', params: { application_name: odd }, readies: 2,
    messages: [query("select current_setting('application_name')")] })
  assert.deepEqual(quoted.seen.find((m) => m.type === 'D')?.cells, [odd])
  await bye(quoted.wire)
})

const preparedAhead = async () =>
  Number(/edgepg_gateway_claims_statements_prepared_total (\d+)/.exec(await (await fetch(`http://127.0.0.1:${gw.http}/metrics`)).text())[1])

test('a pipelined login binds the claims statement its reset parsed ahead, and its query still runs behind the claims', async () => {
  const params = { application_name: 'same-shape', search_path: 'public' }
  const probe = query("select edgepg.sub(), current_setting('application_name'), pg_backend_pid(), (select count(*) from pg_prepared_statements)")
  const first = await pipelinedLogin({ sub: 'shape-1', params, readies: 2, messages: [probe] })
  const pid = first.seen.find((m) => m.type === 'D').cells[2]
  await bye(first.wire)
  for (let i = 0; i < 100 && psql({ ...svc, database: DATABASE }, `select count(*) from edgepg.sessions where pid = ${pid} and claims is null`).trim() !== '1'; i++) {
    await new Promise((r) => setTimeout(r, 20))
  }
  const before = await preparedAhead()
  const { seen, wire } = await pipelinedLogin({ sub: 'shape-2', params, readies: 2, messages: [probe] })
  assert.deepEqual(seen.filter((m) => m.type === 'E'), [])
  assert.deepEqual(seen.find((m) => m.type === 'D').cells, ['shape-2', 'same-shape', pid, '0'])
  assert.equal(await preparedAhead(), before + 1, 'the statement parsed for the same shape was bound')
  await bye(wire)
})

test('what the first query does cannot undo its claims: an error, a transaction rolled back, more behind a Sync', async () => {
  const pid = await warmBackend()
  // A failing first query: the claims were committed before it.
  let { seen, wire } = await pipelinedLogin({ sub: 'fay', messages: [query('select 1/0')], readies: 2 })
  assert.equal(seen.find((m) => m.type === 'E')?.error.C, '22012')
  assert.deepEqual(await next(wire, 'select edgepg.sub(), pg_backend_pid()'), [['fay', String(pid)]])
  await bye(wire)
  await warmBackend();
  // BEGIN first, then ROLLBACK: the claims are not part of the holder's transaction.
  ({ seen, wire } = await pipelinedLogin({ sub: 'ron', messages: [query('begin')], readies: 2 }))
  assert.deepEqual(seen.filter((m) => m.type === 'E'), [])
  await next(wire, 'rollback')
  assert.deepEqual(await next(wire, "select edgepg.sub(), current_setting('request.jwt.claims')::jsonb->>'sub'"), [['ron', 'ron']])
  await bye(wire)
  await warmBackend();
  // The extended protocol up to a Sync, a Query behind it: every answer, in order.
  ({ seen, wire } = await pipelinedLogin({ sub: 'eve', messages: [...extended('select edgepg.sub()'), sync(), query('select 2')], readies: 3 }))
  assert.deepEqual(seen.filter((m) => !'RSK'.includes(m.type)).map((m) => m.type),
    ['Z', '1', '2', 'D', 'C', 'Z', 'T', 'D', 'C', 'Z'])
  assert.deepEqual(seen.filter((m) => m.type === 'D').map((m) => m.cells), [['eve'], ['2']])
  await bye(wire)
})

test('when the claims cannot go in, nothing pipelined runs, not even behind a Sync', async () => {
  const pid = await warmBackend()
  psql({ ...svc, database: DATABASE }, `delete from edgepg.sessions where pid = ${pid}`)
  const before = await pipelinedCount()
  const { seen, wire } = await pipelinedLogin({ sub: 'mal', readies: 1,
    // Behind the Sync, what would end the gateway's failed transaction and then run without claims.
    messages: [...extended('insert into pipelined_probe values (1)'), sync(), query('rollback'), query('insert into pipelined_probe values (2)')] })
  const refusal = seen.find((m) => m.type === 'E')
  assert.equal(refusal?.error.C, '08004')
  assert.match(refusal.error.M, /claims.*print-schema/)
  assert.ok(!seen.some((m) => m.type === 'Z'), 'no ReadyForQuery')
  await wire.closed()
  assert.equal(psql({ ...svc, database: DATABASE }, 'select count(*) from pipelined_probe').trim(), '0')
  assert.equal(await pipelinedCount(), before)
  // That backend was closed, not pooled.
  const again = await warmBackend()
  assert.notEqual(again, pid)
})

test('a role whose transactions are read-only gets its claims with a pipelined first query, and stays read-only', async () => {
  await warmBackend('gw_reader')
  const { seen, wire } = await pipelinedLogin({ sub: 'rhea', role: 'gw_reader', readies: 2,
    messages: [query("select edgepg.sub(), current_setting('transaction_read_only')")] })
  assert.deepEqual(seen.find((m) => m.type === 'D')?.cells, ['rhea', 'on'])
  await assert.rejects(next(wire, 'insert into pipelined_probe values (3)'), /read-only/)
  await bye(wire)
})

test('without claims.sessions the settings go first the same way: the first query after them, none of it when they fail', async () => {
  const g = await startGateway(svc, { pool: { max: 1, min_idle: 0, idle_timeout_ms: 60000 }, claims: { setting: 'request.jwt.claims' } })
  const login = (sub, params, messages, readies) => pipelinedLogin({ sub, params, messages, readies, g })
  try {
    const warm = new pg.Client({ host: '127.0.0.1', port: g.postgres, user: 'gw_user', database: DATABASE, password: await token({ sub: 'warm', role: 'gw_user' }) })
    await warm.connect()
    const pid = (await warm.query('select pg_backend_pid() p')).rows[0].p
    await warm.end()
    // Back in the pool once its reset is done (no claims row to arm without claims.sessions).
    const reset = () => psql(svc, `select state || ' ' || query from pg_stat_activity where pid = ${pid}`).trim()
    for (let i = 0; i < 100 && reset() !== 'idle DISCARD ALL'; i++) await new Promise((r) => setTimeout(r, 20))
    assert.equal(reset(), 'idle DISCARD ALL')
    await new Promise((r) => setTimeout(r, 20))
    const before = await pipelinedCount(g)
    let { seen, wire } = await login('sol', { application_name: 'set-app' },
      [query("select current_setting('request.jwt.claims')::jsonb->>'sub', current_setting('application_name'), pg_backend_pid()")], 2)
    assert.deepEqual(seen.find((m) => m.type === 'D')?.cells, ['sol', 'set-app', String(pid)])
    assert.equal(await pipelinedCount(g), before + 1)
    await bye(wire);
    // BEGIN then ROLLBACK: the settings were committed before it.
    ({ seen, wire } = await login('rolf', {}, [query('begin')], 2))
    await next(wire, 'rollback')
    assert.deepEqual(await next(wire, "select current_setting('request.jwt.claims')::jsonb->>'sub'"), [['rolf']])
    await bye(wire);
    // A setting the server refuses: its SQLSTATE, and nothing pipelined ran.
    ({ seen, wire } = await login('bad', { statement_timeout: 'soon' },
      [...extended('insert into pipelined_probe values (7)'), sync(), query('rollback'), query('insert into pipelined_probe values (8)')], 1))
    assert.equal(seen.find((m) => m.type === 'E')?.error.C, '22023')
    await wire.closed()
    assert.equal(psql({ ...svc, database: DATABASE }, 'select count(*) from pipelined_probe where x in (7, 8)').trim(), '0')
  } finally {
    await g.stop()
  }
})
