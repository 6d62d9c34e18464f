// identityGate attacked with ordinary handler code, against the real PostgreSQL and the RLS schema of examples/rls:
// a nested transaction, a COMMIT of its own, a plain SET ROLE, a db kept after the handler, a lazily streamed
// response, a swallowed error, an error message carrying the request's input, an ambiguous role claim. Each test
// fails on a gate that runs handlers in a plain transaction on a plain pool.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync } from 'node:fs'
import * as jose from 'jose'
import { identityGate, Pool } from 'edgepg'
import { getServices, clientConfig } from '../support/env.js'
import { psql } from '../support/services.js'

const SECRET = new TextEncoder().encode('a-gate-test-secret-of-at-least-32-bytes')
const AUTH_PASSWORD = 'authenticator-pw-gate'
const DB = 'gate_demo'
let svc, gate
const logged = []

before(async () => {
  svc = await getServices()
  psql(svc, `drop database if exists ${DB}`, `create database ${DB}`)
  psql({ ...svc, database: DB }, readFileSync(new URL('../../examples/rls/schema.sql', import.meta.url), 'utf8'))
  psql(svc, `alter role authenticator password '${AUTH_PASSWORD}'`)
  // One connection: whatever a request leaves on it, the next request gets.
  gate = makeGate({})
})
after(async () => {
  await gate?.end()
})

function connection(extra = {}) {
  return { ...clientConfig(svc), user: 'authenticator', password: AUTH_PASSWORD, database: DB, max: 1, ...extra }
}

function makeGate(extra) {
  return identityGate({ ...connection(), secret: SECRET, allowedRoles: ['app_user', 'app_admin'], anonymousRole: 'anon',
    log: (message, err) => logged.push(message + ' ' + err?.message), ...extra })
}

const token = (claims) => new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuedAt().setExpirationTime('10m').sign(SECRET)
const alice = () => token({ sub: 'alice', role: 'app_user' })
const bob = () => token({ sub: 'bob', role: 'app_user' })
const whoAmI = async (db) => (await db.query("select current_user as u, current_setting('request.jwt.claims', true)::json ->> 'sub' as sub")).rows[0]
const ownersSeen = async (db) => (await db.query('select owner from notes order by id')).rows.map((r) => r.owner)

test('a nested db.transaction() is a savepoint: the request keeps its role and claims, and a later throw undoes it', async () => {
  const seen = await gate.run(await alice(), async (db) => {
    await db.transaction(async (tx) => {
      await tx.query("insert into notes (owner, body) values ('alice', 'inside the nested unit')")
    })
    return whoAmI(db)
  })
  assert.deepEqual(seen, { u: 'app_user', sub: 'alice' })
  await assert.rejects(gate.run(await alice(), async (db) => {
    await db.transaction(async (tx) => tx.query("insert into notes (owner, body) values ('alice', 'rolled back')"))
    throw new Error('the handler fails after the nested unit')
  }), /the handler fails/)
  // A nested unit that throws rolls back to its savepoint only.
  await gate.run(await alice(), async (db) => {
    await assert.rejects(db.transaction(async (tx) => {
      await tx.query("insert into notes (owner, body) values ('alice', 'savepoint rolled back')")
      throw new Error('inner')
    }), /inner/)
    await db.query("insert into notes (owner, body) values ('alice', 'kept')")
  })
  const bodies = psql({ ...svc, database: DB }, "select string_agg(body, '|' order by id) from notes where owner = 'alice'")
  assert.match(bodies, /inside the nested unit/)
  assert.match(bodies, /kept/)
  assert.doesNotMatch(bodies, /rolled back/)
})

test('a COMMIT of the handler ends the request: nothing after it runs as the authenticator', async () => {
  const ran = []
  await assert.rejects(gate.run(await alice(), async (db) => {
    await db.query('commit')
    ran.push(await db.query('set role app_admin').then(() => 'set role ran', (e) => e.code))
    ran.push(await ownersSeen(db).then(() => 'select ran', (e) => e.code))
  }), { code: 'EGATETX' })
  assert.deepEqual(ran, ['EGATETX', 'EGATETX'])
  // Several statements in one string cannot smuggle a COMMIT past the check (one statement per query).
  await assert.rejects(gate.run(await alice(), (db) => db.query("commit; set role app_admin; select owner from notes")), { code: '42601' })
  // Even queries sent without awaiting run after the check, one at a time.
  const results = await gate.run(await bob(), async (db) => {
    const all = [db.query('rollback'), db.query('set role app_admin'), db.query('select owner from notes')]
    return Promise.allSettled(all)
  }).catch((e) => e)
  assert.equal(results.code, 'EGATETX')
  assert.deepEqual(await gate.run(await bob(), ownersSeen), ['bob'])
})

test('a plain SET ROLE, SET, temp table or LISTEN of one request never reaches the next on the same connection', async () => {
  await gate.run(await token({ sub: 'root', role: 'app_admin' }), async (db) => {
    await db.query('set role app_admin') // session-level: survives COMMIT unless the connection is reset
    await db.query("set application_name = 'leaked'")
    await db.query('create temp table leftover (x int)')
    await db.query('listen leaked_channel')
  })
  const next = await gate.run(await bob(), async (db) => {
    await db.transaction(async () => {}) // the nested unit that used to COMMIT the request's transaction
    return {
      ...(await whoAmI(db)),
      owners: await ownersSeen(db),
      app: (await db.query("select current_setting('application_name') as a")).rows[0].a,
      temp: (await db.query("select count(*)::int as n from pg_class where relname = 'leftover'")).rows[0].n,
      listening: (await db.query('select count(*)::int as n from pg_listening_channels()')).rows[0].n,
    }
  })
  assert.deepEqual(next, { u: 'app_user', sub: 'bob', owners: ['bob'], app: '', temp: 0, listening: 0 })
  // Between requests the pooled connection is the authenticator's, with no role and no claims.
  const c = await gate.pool.connect()
  const r = (await c.query("select current_user as u, current_setting('role') as role, coalesce(current_setting('request.jwt.claims', true), '') as claims")).rows[0]
  c.release()
  assert.deepEqual(r, { u: 'authenticator', role: 'none', claims: '' })
})

test('db is revoked when the handler returns: a kept db and a lazily streamed response cannot query', async () => {
  let kept
  assert.equal(await gate.run(await alice(), async (db) => {
    kept = db
    return 'done'
  }), 'done')
  await assert.rejects(kept.query('select owner from notes'), { code: 'EGATECLOSED' })
  // Meanwhile another request holds the connection: the kept db must not run in it.
  const during = gate.run(await bob(), async (db) => {
    await assert.rejects(kept.query('select owner from notes'), { code: 'EGATECLOSED' })
    return ownersSeen(db)
  })
  assert.deepEqual(await during, ['bob'])

  const res = await gate.handle(new Request('http://x/', { headers: { authorization: 'Bearer ' + (await alice()) } }), async (db) => {
    const stream = new ReadableStream({
      async pull(controller) {
        const { rows } = await db.query('select owner from notes')
        controller.enqueue(new TextEncoder().encode(JSON.stringify(rows)))
        controller.close()
      },
    }, { highWaterMark: 0 })
    return new Response(stream)
  })
  assert.equal(res.status, 200)
  await assert.rejects(res.text(), { code: 'EGATECLOSED' })
})

test('an error the handler swallowed: COMMIT rolls back, and the gate answers 500 instead of 200', async () => {
  const before = psql({ ...svc, database: DB }, 'select count(*) from notes')
  const res = await gate.handle(new Request('http://x/', { headers: { authorization: 'Bearer ' + (await alice()) } }), async (db) => {
    await db.query("insert into notes (owner, body) values ('alice', 'lost')")
    await db.query('select 1/0').catch(() => {})
    return new Response('saved!')
  })
  assert.equal(res.status, 500)
  assert.deepEqual(await res.json(), { error: 'EDB', message: 'the database refused the request', code: 'EROLLBACK' })
  assert.equal(psql({ ...svc, database: DB }, 'select count(*) from notes'), before)
})

test("500 answers carry the SQLSTATE, never the database's text (which may echo the request's input); the log has it", async () => {
  logged.length = 0
  const evil = '<script>alert(document.cookie)</script>'
  const res = await gate.handle(new Request('http://x/', { headers: { authorization: 'Bearer ' + (await alice()) } }),
    (db) => db.query('select $1::int', [evil]))
  assert.equal(res.status, 500)
  const text = await res.text()
  assert.ok(!text.includes('script'), text)
  assert.deepEqual(JSON.parse(text), { error: 'EDB', message: 'the database refused the request', sqlstate: '22P02' })
  assert.ok(logged.some((l) => l.includes(evil)), 'the server text went to the log')
})

test('roleClaim paths are nested lookups: a literal "app_metadata.role" key does not beat app_metadata.role', async () => {
  const nested = makeGate({ roleClaim: 'app_metadata.role' })
  try {
    const tok = await token({ sub: 'mallory', 'app_metadata.role': 'app_admin', app_metadata: { role: 'app_user' } })
    assert.equal((await nested.run(tok, whoAmI)).u, 'app_user')
  } finally {
    await nested.end()
  }
})

test('resolveRole decides the role from the service\'s own store, cached per subject; invalidateSubject and refreshRole drop it', async () => {
  const roles = new Map([['carol', 'app_admin']])
  let calls = 0
  const g = makeGate({ resolveRole: async (claims) => (calls++, roles.get(claims.sub) ?? 'app_user') })
  try {
    const tok = await token({ sub: 'carol', role: 'app_admin' })
    assert.equal((await g.run(tok, whoAmI)).u, 'app_admin')
    assert.equal((await g.run(tok, whoAmI)).u, 'app_admin')
    assert.equal(calls, 1)
    roles.set('carol', 'app_user') // demoted in the service's store
    g.refreshRole('carol')
    assert.equal((await g.run(tok, whoAmI)).u, 'app_user') // the same token, the new role at once
    assert.equal(calls, 2)
    roles.set('carol', 'postgres')
    g.refreshRole('carol')
    await assert.rejects(g.run(tok, whoAmI), { code: 'ERR_JWT_ROLE_NOT_ALLOWED' })
  } finally {
    await g.end()
  }
})

test('client.transaction: COMMIT answered with ROLLBACK (an error was caught inside) rejects with EROLLBACK', async () => {
  const pool = new Pool({ ...clientConfig(svc), max: 1 })
  try {
    await assert.rejects(pool.transaction(async (tx) => {
      await tx.query('select 1/0').catch(() => {})
      return 'looks fine'
    }), { code: 'EROLLBACK' })
  } finally {
    await pool.end()
  }
})

test('Pool resetOnRelease: a released client is reset (DISCARD ALL) before it is handed out again', async () => {
  for (const resetOnRelease of [false, true]) {
    const pool = new Pool({ ...clientConfig(svc), max: 1, resetOnRelease })
    try {
      const a = await pool.connect()
      await a.query("set application_name = 'first holder'")
      await a.query('create temp table mine (x int)')
      a.release()
      const b = await pool.connect()
      const r = (await b.query("select current_setting('application_name') as app, (select count(*)::int from pg_class where relname = 'mine') as temp")).rows[0]
      b.release()
      assert.deepEqual(r, resetOnRelease ? { app: '', temp: 0 } : { app: 'first holder', temp: 1 })
    } finally {
      await pool.end()
    }
  }
})
