// edgepg-gateway's warm backends ("pool"): a client whose token maps to a role gets a backend already logged in as
// that role, and nothing of the previous holder reaches it: its settings, temp tables, prepared statements,
// advisory locks, LISTEN, cursors, SET ROLE, sequence state, cached plans and claims are gone (DISCARD ALL, claims
// re-set through set_config and edgepg.sessions, whose row a warm backend writes itself through edgepg.begin_session,
// once, into the row the gateway armed);
// a backend left in a transaction or killed while idle is never handed out; roles never share backends; the per
// role limit holds under a race; cancel keys are the gateway's own.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import net from 'node:net'
import { existsSync, renameSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import { WebSocket } from 'ws'
import { Client as EdgeClient } from 'edgepg'
import { getServices } from '../support/env.js'
import { psql } from '../support/services.js'
import { DATABASE, ROLE_PASSWORDS, prepareDatabase, startGateway, token } from '../support/gateway.js'

let svc, gw

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  // A role gw_user may SET ROLE to (a holder's SET ROLE must not reach the next one).
  psql(svc, "do $$ begin if not exists (select from pg_roles where rolname = 'gw_pool_sub') then create role gw_pool_sub nologin; end if; end $$",
    'grant gw_pool_sub to gw_user')
  gw = await startGateway(svc, { pool: { max: 1, min_idle: 0, idle_timeout_ms: 60000, max_lifetime_ms: 600000 } })
})
after(async () => {
  await gw?.stop()
})

// A node-postgres client of `sub` through gateway `g` (the shared one unless a test starts its own).
async function connect(sub, role = 'gw_user', extra = {}, g = gw) {
  const c = new pg.Client({ host: '127.0.0.1', port: g.postgres, user: role, database: DATABASE,
    password: await token({ sub, role }), ...extra })
  await c.connect()
  return c
}
const one = async (c, sql) => Object.values((await c.query(sql)).rows[0])[0]
const backends = (role) => Number(psql(svc, `select count(*) from pg_stat_activity where usename = '${role}'`).trim())
// A backend is back in the pool once its row is armed for the next holder (claims cleared).
const armedRows = (pid) => psql({ ...svc, database: DATABASE }, `select count(*) from edgepg.sessions where pid = ${pid} and claims is null`).trim()
// Logins whose claims statement the reset of their warm backend had parsed ahead (the gateway's metrics).
const preparedAhead = async () =>
  Number(/edgepg_gateway_claims_statements_prepared_total (\d+)/.exec(await (await fetch(`http://127.0.0.1:${gw.http}/metrics`)).text())[1])
async function untilArmed(pid) {
  for (let i = 0; i < 100 && armedRows(pid) !== '1'; i++) await new Promise((r) => setTimeout(r, 20))
  return armedRows(pid)
}

test('a reused backend carries nothing of its previous holder', async () => {
  const a = await connect('alice', 'gw_user', { application_name: 'alice-app' })
  const pid = await one(a, 'select pg_backend_pid()')
  assert.equal(await one(a, 'select edgepg.sub()'), 'alice')
  assert.equal(await one(a, "select current_setting('application_name')"), 'alice-app')
  await a.query("set statement_timeout = '1234ms'")
  await a.query('create temp table scratch (x int)')
  await a.query('prepare leftover as select 1')
  await a.query('select pg_advisory_lock(4242)')
  await a.query('listen alice_channel')
  await a.query('declare held cursor with hold for select 1')
  assert.ok(Number(await one(a, "select nextval('notes_id_seq')")) > 0)
  await a.query('set role gw_pool_sub')
  assert.equal(await one(a, 'select current_user'), 'gw_pool_sub')
  await a.end()

  assert.equal(await untilArmed(pid), '1', 'back in the pool, armed')
  const preparedBefore = await preparedAhead()
  const b = await connect('bob', 'gw_user', { application_name: 'bob-app' })
  assert.equal(await one(b, 'select pg_backend_pid()'), pid, 'the same backend (pool.max is 1)')
  // Bob's claims went through the statement the reset parsed after alice left, closed by that one use: he sees no
  // prepared statement, neither alice's nor the gateway's.
  assert.equal(await preparedAhead(), preparedBefore + 1)
  assert.equal(await one(b, 'select edgepg.sub()'), 'bob')
  assert.equal(await one(b, "select current_setting('request.jwt.claims', true)::json ->> 'sub'"), 'bob')
  assert.equal(await one(b, "select current_setting('application_name')"), 'bob-app')
  assert.equal(await one(b, 'show statement_timeout'), '0')
  assert.equal(await one(b, "select to_regclass('pg_temp.scratch')"), null)
  assert.equal(await one(b, 'select count(*)::int from pg_prepared_statements'), 0)
  assert.equal(await one(b, "select count(*)::int from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()"), 0)
  assert.equal(await one(b, 'select count(*)::int from pg_listening_channels()'), 0)
  assert.equal(await one(b, 'select count(*)::int from pg_cursors'), 0)
  await assert.rejects(b.query("select currval('notes_id_seq')"), (e) => e.code === '55000') // not yet defined in this session
  assert.equal(await one(b, 'select current_user'), 'gw_user')
  // RESET goes back to the login's value, which never held a holder's claims.
  await b.query('reset request.jwt.claims')
  assert.equal(await one(b, "select coalesce(current_setting('request.jwt.claims', true), '')"), '')
  assert.equal(await one(b, 'select edgepg.sub()'), 'bob')
  assert.deepEqual((await b.query('select owner from secrets')).rows, [{ owner: 'bob' }])
  await b.end()
})

test('a holder with more settings than the last parses its own claims statement and sees none of the gateway\'s', async () => {
  const annaBefore = await preparedAhead()
  const a = await connect('anna')
  assert.equal(await preparedAhead(), annaBefore + 1, 'anna used the statement parsed for her shape (bob\'s)')
  const pid = await one(a, 'select pg_backend_pid()')
  await a.end()
  assert.equal(await untilArmed(pid), '1', 'back in the pool, armed')
  const preparedBefore = await preparedAhead()
  const b = await connect('bert', 'gw_user', { statement_timeout: 1234 }) // one startup parameter more than anna's
  assert.equal(await one(b, 'select pg_backend_pid()'), pid, 'the same backend (pool.max is 1)')
  assert.equal(await preparedAhead(), preparedBefore, 'the statement parsed for anna\'s shape went unused')
  assert.equal(await one(b, 'select count(*)::int from pg_prepared_statements'), 0)
  assert.equal(await one(b, 'select edgepg.sub()'), 'bert')
  assert.equal(await one(b, 'show statement_timeout'), '1234ms')
  await b.end()
})

// The reset parses the next holder's claims statement after DISCARD ALL; when that Parse fails (here: the schema's
// USAGE revoked from PUBLIC for a moment, as a schema without begin_session would also make it fail), the reset
// itself stands: the backend goes back to the pool with nothing prepared, and the next login records its claims
// with a statement of its own.
test('a reset whose Parse of the next claims statement fails still gives the backend back, with nothing prepared', async () => {
  const a = await connect('parse-fails')
  const pid = await one(a, 'select pg_backend_pid()')
  psql({ ...svc, database: DATABASE }, 'revoke usage on schema edgepg from public')
  try {
    await a.end()
    assert.equal(await untilArmed(pid), '1', 'back in the pool, armed')
  } finally {
    psql({ ...svc, database: DATABASE }, 'grant usage on schema edgepg to public')
  }
  const preparedBefore = await preparedAhead()
  const b = await connect('after-parse-failed')
  assert.equal(await one(b, 'select pg_backend_pid()'), pid, 'the same backend (pool.max is 1)')
  assert.equal(await preparedAhead(), preparedBefore, 'nothing was prepared for this login')
  assert.equal(await one(b, 'select count(*)::int from pg_prepared_statements'), 0)
  assert.equal(await one(b, 'select edgepg.sub()'), 'after-parse-failed')
  await b.end()
})

// A plan the backend keeps can carry what was true when it was made: a claims helper wrongly declared IMMUTABLE is
// evaluated once when a plan is made (PostgreSQL folds immutable calls with constant arguments), and a PL/pgSQL
// function keeps its plans for the backend's life. A reset that kept plans handed the next holder the first holder's
// identity (bob read 'alice' through a reset without DISCARD PLANS); DISCARD ALL discards them.
test("a plan made for one holder never answers for the next (an IMMUTABLE claims helper, cached in PL/pgSQL)", async () => {
  psql({ ...svc, database: DATABASE },
    `create or replace function public.sub_marked_immutable() returns text language sql immutable as
       $$ select current_setting('request.jwt.claims', true)::json ->> 'sub' $$`,
    `create or replace function public.cached_sub() returns text language plpgsql as
       $$ begin return (select public.sub_marked_immutable()); end $$`,
    'grant execute on function public.sub_marked_immutable(), public.cached_sub() to gw_user')
  const a = await connect('alice')
  const pid = await one(a, 'select pg_backend_pid()')
  for (let i = 0; i < 6; i++) assert.equal(await one(a, 'select public.cached_sub()'), 'alice') // past the custom plans
  await a.end()
  assert.equal(await untilArmed(pid), '1')
  const b = await connect('bob')
  assert.equal(await one(b, 'select pg_backend_pid()'), pid, 'the same backend (pool.max is 1)')
  assert.equal(await one(b, 'select public.cached_sub()'), 'bob')
  await b.end()
  await untilArmed(pid)
})

test('roles never share a backend; a backend left in a transaction or killed while idle is not handed out', async () => {
  const u = await connect('carol')
  const userPid = await one(u, 'select pg_backend_pid()')
  await u.end()
  const admin = await connect('dave', 'gw_admin')
  assert.equal(await one(admin, 'select current_user'), 'gw_admin')
  assert.notEqual(await one(admin, 'select pg_backend_pid()'), userPid)
  await admin.end()

  // Left inside a transaction: closed, never reused.
  const t = await connect('erin')
  assert.equal(await one(t, 'select pg_backend_pid()'), userPid)
  await t.query('begin')
  await t.query('select 1')
  await t.end()
  const next = await connect('frank')
  const nextPid = await one(next, 'select pg_backend_pid()')
  assert.notEqual(nextPid, userPid)
  await next.end()

  // Killed while idle in the pool: noticed before the next holder gets it.
  psql(svc, `select pg_terminate_backend(${nextPid})`)
  await new Promise((r) => setTimeout(r, 200))
  const after = await connect('grace')
  assert.notEqual(await one(after, 'select pg_backend_pid()'), nextPid)
  assert.equal(await one(after, 'select edgepg.sub()'), 'grace')
  await after.end()
})

test('a refused token gets nothing from the pool; the idle backend stays for the next valid one', async () => {
  const c = await connect('heidi')
  const pid = await one(c, 'select pg_backend_pid()')
  await c.end()
  const expired = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE,
    password: await token({ sub: 'mallory', role: 'gw_user' }, { exp: '-1m' }) })
  await assert.rejects(expired.connect(), (e) => e.code === '28000')
  const again = await connect('ivan')
  assert.equal(await one(again, 'select pg_backend_pid()'), pid)
  await again.end()
})

test('cancel keys are the gateway\'s own and reach the holder\'s backend', async () => {
  const c = await connect('judy')
  const pid = await one(c, 'select pg_backend_pid()')
  assert.notEqual(c.processID, pid, 'the client sees a key the gateway issued, not the backend pid')
  const running = c.query('select pg_sleep(20)')
  await new Promise((r) => setTimeout(r, 300))
  const cancel = Buffer.alloc(16)
  cancel.writeUInt32BE(16, 0)
  cancel.writeUInt32BE(80877102, 4)
  cancel.writeInt32BE(c.processID, 8)
  cancel.writeInt32BE(c.secretKey, 12)
  const s = net.connect(gw.postgres, '127.0.0.1', () => s.end(cancel))
  await assert.rejects(running, (e) => e.code === '57014')
  await c.end()
})

test('200 clients racing for 10 backends: every answer right, never more backends than pool.max', async () => {
  const wide = await startGateway(svc, { pool: { max: 10 }, limits: { auth_timeout_ms: 20000 } })
  const base = backends('gw_admin')  // the first gateway's pool keeps one gw_admin backend from an earlier test
  let peak = 0
  const sampler = setInterval(() => { peak = Math.max(peak, backends('gw_admin') - base) }, 20)
  try {
    const subs = Array.from({ length: 200 }, (_, i) => `user${i}`)
    const results = await Promise.all(subs.map(async (sub) => {
      const c = new pg.Client({ host: '127.0.0.1', port: wide.postgres, user: 'gw_admin', database: DATABASE,
        password: await token({ sub, role: 'gw_admin' }) })
      await c.connect()
      try {
        return await one(c, 'select edgepg.sub()')
      } finally {
        await c.end()
      }
    }))
    assert.deepEqual(results, subs)
  } finally {
    clearInterval(sampler)
    await wide.stop()
  }
  assert.ok(peak >= 2 && peak <= 10, `between 2 and pool.max (10) gw_admin backends at once, saw ${peak}`)
})

test('pool.min_idle: backends are logged in ahead of the next clients', async () => {
  const warm = await startGateway(svc, { pool: { max: 4, min_idle: 2 } })
  try {
    const t = await token({ sub: 'kim', role: 'gw_user' })
    const u = new pg.Client({ host: '127.0.0.1', port: warm.postgres, user: 'gw_user', database: DATABASE, password: t })
    await u.connect()
    const held = await one(u, 'select pg_backend_pid()')
    let idle = 0
    for (let i = 0; i < 40 && idle < 2; i++) {
      await new Promise((r) => setTimeout(r, 50))
      idle = Number(psql(svc, `select count(*) from pg_stat_activity where usename = 'gw_user' and pid <> ${held} and state = 'idle'`).trim())
    }
    assert.ok(idle >= 2, `two gw_user backends warm beside the held one, saw ${idle}`)
    await u.end()
  } finally {
    await warm.stop()
  }
})

test('logins whose settings fail while their claims are being recorded leave the admin connections usable', async () => {
  // With the pool the holder's settings (set_config on the backend) and its claims row (the admin connection) go at
  // once; a setting PostgreSQL refuses ends that login, cancelling the claims write half-way. Twenty such logins
  // (the claims channel keeps at most eight admin connections) must not use the channel up.
  for (let i = 0; i < 20; i++) {
    const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE,
      password: await token({ sub: `bad-${i}`, role: 'gw_user' }), statement_timeout: 'not-a-duration' })
    await assert.rejects(c.connect(), (e) => e.code === '22023' || /statement_timeout/.test(e.message), `login ${i}`)
  }
  const ok = await connect('lena')
  assert.equal(await one(ok, 'select edgepg.sub()'), 'lena')
  await ok.end()
  // Their claims rows, written while the settings failed, went with their sessions.
  const left = () => Number(psql({ ...svc, database: DATABASE }, "select count(*) from edgepg.sessions where sub like 'bad-%'").trim())
  for (let i = 0; i < 40 && left() > 0; i++) await new Promise((r) => setTimeout(r, 50))
  assert.equal(left(), 0)
})

test('edgepg.begin_session forges nothing: not from a holder, not from a connection the gateway did not arm', async () => {
  const attack = `select edgepg.begin_session('root', 'https://evil.example', '{"sub":"root","role":"gw_admin"}'::jsonb)`
  // Through the gateway, on a fresh backend and then on a warm one (pool.max is 1: the second is the first again).
  for (const sub of ['mallory', 'mallory-again']) {
    const c = await connect(sub)
    assert.equal(await one(c, attack), null, 'nothing armed: the gateway filled the row before the first byte')
    assert.equal(await one(c, 'select edgepg.sub()'), sub)
    assert.deepEqual((await c.query('select owner from secrets')).rows, [])
    await c.end()
  }
  // A direct login as the same role (its password, not the gateway): no armed row, so no claims.
  const direct = new pg.Client({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', password: ROLE_PASSWORDS.gw_user,
    database: DATABASE })
  await direct.connect()
  try {
    assert.equal(await one(direct, attack), null)
    assert.equal(await one(direct, 'select edgepg.sub()'), null)
    // A row armed for an earlier backend with this pid (one that died before its row was swept): begin_session may
    // fill it, but the readers match the start time too, so the claims stay out of reach.
    const pid = await one(direct, 'select pg_backend_pid()')
    psql({ ...svc, database: DATABASE }, `insert into edgepg.sessions (pid, backend_start, role) values (${pid}, '2001-02-03 04:05:06+00', 'gw_user')`)
    assert.match(await one(direct, attack), /^2001-02-03/)
    assert.equal(await one(direct, 'select edgepg.sub()'), null)
    assert.equal(await one(direct, 'select edgepg.claims()'), null)
  } finally {
    await direct.end()
    psql({ ...svc, database: DATABASE }, "delete from edgepg.sessions where backend_start = '2001-02-03 04:05:06+00'")
  }
})

test('a warm backend whose armed row is gone refuses the login (08004) before any byte of the client runs', async () => {
  psql({ ...svc, database: DATABASE }, 'create table if not exists pool_probe (x int)', 'grant select, insert on pool_probe to gw_user')
  const warm = await connect('carol')
  const pid = await one(warm, 'select pg_backend_pid()')
  await warm.end()
  // Wait until it is back in the pool armed, then lose the arm (as a reinstalled schema or an operator would).
  assert.equal(await untilArmed(pid), '1')
  psql({ ...svc, database: DATABASE }, `delete from edgepg.sessions where pid = ${pid}`)

  // The pipelined login: startup, token and an INSERT in one WebSocket message.
  const k = new EdgeClient({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE,
    password: await token({ sub: 'carol', role: 'gw_user' }), requireAuth: 'password', webSocketUrl: gw.wsUrl(),
    webSocketConstructor: WebSocket })
  const connected = k.connect()
  const inserted = k.query('insert into pool_probe values (1)')
  await assert.rejects(connected, (e) => e.code === '08004' && /claims/.test(e.message) && /print-schema/.test(e.message))
  await assert.rejects(inserted)
  await k.end().catch(() => {})
  assert.equal(psql({ ...svc, database: DATABASE }, 'select count(*) from pool_probe').trim(), '0')
  // The backend was closed, not pooled; the next login gets a fresh one.
  const next = await connect('dave')
  assert.notEqual(await one(next, 'select pg_backend_pid()'), pid)
  assert.equal(await one(next, 'select edgepg.sub()'), 'dave')
  await next.end()
})

test('a role whose transactions are read-only keeps its claims on warm backends, and its read-only default', async () => {
  // edgepg.begin_session writes from the holder's own backend, in a read-write transaction of the gateway's (BEGIN
  // READ WRITE): the role's own transactions stay read-only.
  psql(svc, "do $$ begin if not exists (select from pg_roles where rolname = 'gw_reader') then create role gw_reader login; end if; end $$",
    "alter role gw_reader password 'gw-reader-pw-5e1a'", 'alter role gw_reader set default_transaction_read_only = on')
  psql({ ...svc, database: DATABASE }, 'grant select on notes to gw_reader')
  const reader = await startGateway(svc, { pool: { max: 1, min_idle: 1, idle_timeout_ms: 60000 }, extraRoles: { gw_reader: 'gw-reader-pw-5e1a' } })
  try {
    const pids = new Set()
    for (const sub of ['rita', 'rudy', 'rosa']) {
      const c = new pg.Client({ host: '127.0.0.1', port: reader.postgres, user: 'gw_reader', database: DATABASE,
        password: await token({ sub, role: 'gw_reader' }) })
      await c.connect()
      pids.add(await one(c, 'select pg_backend_pid()'))
      assert.equal(await one(c, 'show transaction_read_only'), 'on')
      assert.equal(await one(c, 'select edgepg.sub()'), sub)
      await c.end()
    }
    assert.equal(pids.size, 1, 'one warm backend served all three')
  } finally {
    await reader.stop()
  }
})

test('a warm backend is handed out without the role\'s password; a new login needs it (08004 when it cannot be read)', async () => {
  const g = await startGateway(svc, { pool: { max: 2, min_idle: 0, idle_timeout_ms: 60000 } })
  const file = join(g.dir, 'gw_user')
  const viaG = (sub) => connect(sub, 'gw_user', {}, g)
  try {
    const first = await viaG('wendy')
    const pid = await one(first, 'select pg_backend_pid()')
    await first.end()
    assert.equal(await untilArmed(pid), '1')
    renameSync(file, file + '.away')  // the operator's password source is gone
    const warm = await viaG('walt')
    assert.equal(await one(warm, 'select pg_backend_pid()'), pid, 'the warm backend, no password read')
    assert.equal(await one(warm, 'select edgepg.sub()'), 'walt')
    // The only backend is held: the next client needs a new login, and its password cannot be read.
    await assert.rejects(viaG('wade'), (e) => e.code === '08004' && /no usable credentials for role "gw_user"/.test(e.message))
    await warm.end()
    renameSync(file + '.away', file)
    const again = await viaG('wade')
    assert.equal(await one(again, 'select edgepg.sub()'), 'wade')
    await again.end()
  } finally {
    if (existsSync(file + '.away')) renameSync(file + '.away', file)
    await g.stop()
  }
})

test('a backend whose claims row went away while it was held is armed anew when it goes back', async () => {
  const a = await connect('gone-row')
  const pid = await one(a, 'select pg_backend_pid()')
  psql({ ...svc, database: DATABASE }, `delete from edgepg.sessions where pid = ${pid}`)  // as an operator's clean-up would
  await a.end()
  assert.equal(await untilArmed(pid), '1', 'armed anew')
  const b = await connect('after-gone')
  assert.equal(await one(b, 'select pg_backend_pid()'), pid, 'the same backend')
  assert.equal(await one(b, 'select edgepg.sub()'), 'after-gone')
  await b.end()
})

test('a backend armed before a reload turned claims.sessions off is not handed out: its holder could fill the row', async () => {
  const g = await startGateway(svc, { pool: { max: 1, min_idle: 0 } })
  const viaG = (sub) => connect(sub, 'gw_user', {}, g)
  try {
    const first = await viaG('before-reload')
    const pid = await one(first, 'select pg_backend_pid()')
    await first.end()
    assert.equal(await untilArmed(pid), '1', 'back in the pool, armed for a begin_session')
    await g.reload((c) => delete c.claims.sessions)
    const m = await viaG('mallory')
    assert.notEqual(await one(m, 'select pg_backend_pid()'), pid, 'the armed backend was closed, not handed out')
    const forged = `select edgepg.begin_session('root', 'https://evil.example', '{"sub":"root"}'::jsonb)`
    assert.equal(await one(m, forged), null, 'no armed row to fill')
    assert.equal(await one(m, 'select edgepg.sub()'), null)
    await m.end()
  } finally {
    await g.stop()
  }
})
