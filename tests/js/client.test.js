// The spine end to end: the wasm core in Node, over a real WebSocket proxy, to a real PostgreSQL 15.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { Client, EdgepgError } from 'edgepg'
import { getServices, clientConfig, ROLES } from '../support/env.js'

let svc
before(async () => {
  svc = await getServices()
})

async function withClient(role, fn, extra) {
  const client = new Client(clientConfig(svc, role, extra))
  await client.connect()
  try {
    return await fn(client)
  } finally {
    await client.end()
  }
}

test('SCRAM-SHA-256 login and a simple query', async () => {
  await withClient('scram', async (c) => {
    const r = await c.query("select 1 as one, 'hello'::text as greeting, null::int as nothing")
    assert.deepEqual(r.rows, [{ one: 1, greeting: 'hello', nothing: null }])
    assert.equal(r.command, 'SELECT')
    assert.equal(r.rowCount, 1)
    assert.deepEqual(r.fields.map((f) => [f.name, f.dataTypeID]), [['one', 23], ['greeting', 25], ['nothing', 23]])
    assert.equal(c.parameters.server_version.split('.')[0], '15')
    assert.equal(typeof c.processID, 'number')
  })
})

// MD5 and cleartext go out only when asked for (requireAuth); with a password, the default is SCRAM only.
const REQUIRE_AUTH = { md5: 'md5', cleartext: 'password', trust: undefined }

test('MD5, cleartext and trust logins', async () => {
  for (const role of ['md5', 'cleartext', 'trust']) {
    await withClient(role, async (c) => {
      const r = await c.query('select current_user as u')
      assert.equal(r.rows[0].u, ROLES[role].user)
    }, { requireAuth: REQUIRE_AUTH[role] })
  }
})

test('the real server: MD5, cleartext and trust logins are refused when a password is set and requireAuth is not', async () => {
  for (const role of ['md5', 'cleartext', 'trust']) {
    const c = new Client(clientConfig(svc, role, { password: ROLES[role].password ?? 'unused-password' }))
    await assert.rejects(c.connect(), (e) => e instanceof EdgepgError && e.code === 'EAUTH' && /require_auth/.test(e.message))
    await c.end()
  }
})

test('a password provider function, sync or async, is called for the login', async () => {
  let calls = 0
  await withClient('scram', async (c) => {
    assert.equal((await c.query('select 2 as n')).rows[0].n, 2)
  }, { password: async () => { calls++; return ROLES.scram.password } })
  await withClient('md5', async (c) => {
    assert.equal((await c.query('select 3 as n')).rows[0].n, 3)
  }, { password: () => { calls++; return ROLES.md5.password }, requireAuth: 'md5' })
  assert.equal(calls, 2)
})

test('parameterised queries use the extended protocol and decode core types', async () => {
  await withClient('scram', async (c) => {
    const r = await c.query(
      'select $1::int as i, $2::text as t, $3::bool as b, $4::float8 as f, $5::int2 as s, $6::float4 as r, $7::jsonb as j, $8::json as js, $9::oid as o, $10::varchar as v, $11::name as nm, $12::int as n',
      [42, 'héllo 👋', true, 1.5, -7, 0.25, { a: [1, 'x'] }, JSON.stringify([1, 2]), 26, 'var', 'nm', null],
    )
    assert.deepEqual(r.rows[0], {
      i: 42, t: 'héllo 👋', b: true, f: 1.5, s: -7, r: 0.25, j: { a: [1, 'x'] }, js: [1, 2], o: 26, v: 'var', nm: 'nm', n: null,
    })
  })
})

test('floats keep NaN and infinities', async () => {
  await withClient('scram', async (c) => {
    const r = await c.query("select 'NaN'::float8 as a, 'Infinity'::float8 as b, '-Infinity'::float4 as c, 1e300::float8 as d")
    assert.ok(Number.isNaN(r.rows[0].a))
    assert.equal(r.rows[0].b, Infinity)
    assert.equal(r.rows[0].c, -Infinity)
    assert.equal(r.rows[0].d, 1e300)
  })
})

test("rowMode 'array'", async () => {
  await withClient('scram', async (c) => {
    const r = await c.query({ text: 'select $1::int as a, $2::text as b', values: [1, 'x'], rowMode: 'array' })
    assert.deepEqual(r.rows, [[1, 'x']])
    assert.deepEqual(r.fields.map((f) => f.name), ['a', 'b'])
  })
})

test('command tags, row counts and multi-statement simple queries', async () => {
  await withClient('scram', async (c) => {
    await c.query('create temp table t (id int primary key, name text)')
    const ins = await c.query("insert into t values (1, 'a'), (2, 'b'), (3, 'c')")
    assert.equal(ins.command, 'INSERT')
    assert.equal(ins.rowCount, 3)
    const upd = await c.query('update t set name = $1 where id > $2', ['z', 1])
    assert.equal(upd.command, 'UPDATE')
    assert.equal(upd.rowCount, 2)
    const multi = await c.query('select count(*)::int as n from t; delete from t where id = 1')
    assert.equal(multi.length, 2)
    assert.equal(multi[0].rows[0].n, 3)
    assert.equal(multi[1].command, 'DELETE')
    assert.equal(multi[1].rowCount, 1)
    const empty = await c.query('')
    assert.deepEqual(empty.rows, [])
  })
})

test('a syntax error rejects with 42601 and its position; the connection stays usable', async () => {
  await withClient('scram', async (c) => {
    await assert.rejects(c.query('select 1 from from'), (e) => {
      assert.ok(e instanceof EdgepgError)
      assert.ok(e instanceof Error)
      assert.equal(e.code, '42601')
      assert.equal(e.position, '15')
      assert.equal(e.severity, 'ERROR')
      assert.match(e.message, /syntax error/)
      return true
    })
    assert.equal((await c.query('select 5 as n')).rows[0].n, 5)
  })
})

test('server error fields: constraint, table, detail', async () => {
  await withClient('scram', async (c) => {
    await c.query('create temp table u (id int primary key)')
    await c.query('insert into u values (1)')
    await assert.rejects(c.query('insert into u values ($1)', [1]), (e) => {
      assert.equal(e.code, '23505')
      assert.equal(e.constraint, 'u_pkey')
      assert.equal(e.table, 'u')
      assert.match(e.detail, /already exists/)
      return true
    })
  })
})

test('a wrong password gives 28P01 and never shows the password', async () => {
  const password = 'wrong-Password-Zq9'
  const c = new Client(clientConfig(svc, 'scram', { password }))
  const err = await c.connect().then(() => null, (e) => e)
  assert.ok(err instanceof EdgepgError)
  assert.equal(err.code, '28P01')
  for (const text of [err.message, String(err), err.stack, JSON.stringify(err)]) {
    assert.ok(!text.includes(password), 'the password leaked into: ' + text)
  }
  await assert.rejects(c.query('select 1'), { code: 'ECONNCLOSED' })
})

test('a missing password when the server asks for one is a clear EAUTH', async () => {
  const c = new Client(clientConfig(svc, 'scram', { password: undefined }))
  await assert.rejects(c.connect(), (e) => e.code === 'EAUTH' && /password/.test(e.message))
})

test('pipelined queries: sent together, results in order, one failure alone', async () => {
  await withClient('scram', async (c) => {
    const ps = []
    for (let i = 0; i < 50; i++) ps.push(c.query('select $1::int as n', [i]))
    ps.push(c.query('select 1/0'))
    ps.push(c.query('select $1::text as t', ['after']))
    const settled = await Promise.allSettled(ps)
    for (let i = 0; i < 50; i++) assert.equal(settled[i].value.rows[0].n, i)
    assert.equal(settled[50].reason.code, '22012')
    assert.equal(settled[51].value.rows[0].t, 'after')
  })
})

test('a large result arrives whole', async () => {
  await withClient('scram', async (c) => {
    const r = await c.query("select g as id, 'row ' || g as label, g * 0.5 as half from generate_series(1, 20000) g")
    assert.equal(r.rows.length, 20000)
    assert.deepEqual(r.rows[19999], { id: 20000, label: 'row 20000', half: '10000.0' })
  })
})

test('the proxy closing mid-query rejects with ECONNCLOSED; nothing hangs', async () => {
  const c = new Client(clientConfig(svc, 'scram'))
  await c.connect()
  const q = c.query('select pg_sleep(10)').then(() => null, (e) => e)
  // Terminate this backend from another connection: the server closes, websockify closes the WebSocket.
  const killer = new Client(clientConfig(svc, 'scram'))
  await killer.connect()
  await killer.query('select pg_terminate_backend($1)', [c.processID])
  await killer.end()
  const err = await q
  assert.ok(err instanceof EdgepgError)
  assert.ok(['ECONNCLOSED', '57P01'].includes(err.code), err.code)
  await assert.rejects(c.query('select 1'), { code: 'ECONNCLOSED' })
})

test('no WebSocket and bad options fail fast with what to set', async () => {
  const c = new Client({ ...clientConfig(svc, 'scram'), webSocketConstructor: undefined })
  const hadGlobal = 'WebSocket' in globalThis
  const saved = globalThis.WebSocket
  if (hadGlobal) delete globalThis.WebSocket
  try {
    await assert.rejects(c.connect(), (e) => e.code === 'ENOWEBSOCKET' && /webSocketConstructor/.test(e.message))
  } finally {
    if (hadGlobal) globalThis.WebSocket = saved
  }
  assert.throws(() => new Client({}), (e) => e.code === 'EINVAL' && /user/.test(e.message))
  assert.throws(() => new Client('mysql://u:secretpw@h/db'), (e) => e.code === 'EINVAL' && !e.message.includes('secretpw'))
})

test('nothing listening gives ECONNREFUSED quickly', async () => {
  const c = new Client({ ...clientConfig(svc, 'scram'), webSocketUrl: 'ws://127.0.0.1:1/v1' })
  const t0 = Date.now()
  await assert.rejects(c.connect(), { code: 'ECONNREFUSED' })
  assert.ok(Date.now() - t0 < 5000)
})

test('an AbortSignal rejects a running query at once and cancels it on the server', async () => {
  await withClient('scram', async (c) => {
    const ctrl = new AbortController()
    const t0 = Date.now()
    const q = c.query({ text: 'select pg_sleep(5)', signal: ctrl.signal })
    setTimeout(() => ctrl.abort(), 100)
    await assert.rejects(q, { code: 'EABORT' })
    assert.ok(Date.now() - t0 < 1500)
    // The next query runs right away: the server cancelled the sleep (a CancelRequest), it did not run to the end.
    assert.equal((await c.query('select 7 as n')).rows[0].n, 7)
    assert.ok(Date.now() - t0 < 3000, 'the server-side statement was cancelled')
    await assert.rejects(c.query({ text: 'select 1', signal: AbortSignal.abort() }), { code: 'EABORT' })
  })
})

test('query_timeout rejects with ETIMEDOUT and closes the connection; connect honours an AbortSignal', async () => {
  const c = new Client(clientConfig(svc, 'scram', { query_timeout: 300 }))
  await c.connect()
  const t0 = Date.now()
  await assert.rejects(c.query('select pg_sleep(5)'), { code: 'ETIMEDOUT' })
  assert.ok(Date.now() - t0 < 2000)
  await assert.rejects(c.query('select 1'), { code: 'ECONNCLOSED' })
  const d = new Client(clientConfig(svc, 'scram'))
  await assert.rejects(d.connect({ signal: AbortSignal.abort() }), { code: 'EABORT' })
})

test('startup parameters: options and server-side timeouts, from the config or the connection string', async () => {
  await withClient('scram', async (c) => {
    const r = await c.query("select current_setting('search_path') as sp, current_setting('statement_timeout') as st")
    assert.deepEqual(r.rows[0], { sp: 'app,public', st: '4s' })
  }, { options: '-c search_path=app,public', statement_timeout: 4000 })
  const r = ROLES.scram
  const cs = `postgres://${r.user}:${encodeURIComponent(r.password)}@127.0.0.1:${svc.pgPort}/edgepg_test?application_name=edge-app&lock_timeout=1500`
  const c = new Client({ ...clientConfig(svc, 'scram'), connectionString: cs, user: undefined, password: undefined, database: undefined })
  await c.connect()
  const s = await c.query("select current_setting('application_name') as a, current_setting('lock_timeout') as l")
  assert.deepEqual(s.rows[0], { a: 'edge-app', l: '1500ms' })
  await c.end()
})

test('values that cannot be serialised reject with EINVAL naming the parameter; nothing is sent', async () => {
  await withClient('scram', async (c) => {
    const circular = { a: 1 }
    circular.self = circular
    const cases = [[() => 1, '$2', /function/], [Symbol('s'), '$2', /symbol/], [circular, '$2', /circular/], [[1, [circular]], '$2', /circular/]]
    for (const [bad, index, what] of cases) {
      await assert.rejects(c.query('select $1::int, $2::text', [1, bad]), (e) => {
        assert.ok(e instanceof EdgepgError)
        assert.equal(e.code, 'EINVAL')
        assert.ok(e.message.includes(index), e.message)
        assert.match(e.message, what)
        return true
      })
    }
    assert.equal((await c.query('select 1 as ok')).rows[0].ok, 1)
  })
})

test('every connection frees its wasm memory on end(): 100 connect/query/end cycles do not grow the heap', async () => {
  const { loadCore } = await import('../../wasm/src/core.js')
  const core = await loadCore()
  const cycle = async () => {
    const c = new Client(clientConfig(svc, 'trust'))
    await c.connect()
    await c.query("select repeat('x', 100000) as big, $1::int as n", [1])
    await c.end()
  }
  for (let i = 0; i < 10; i++) await cycle()
  const before = core.HEAPU8.byteLength
  for (let i = 0; i < 100; i++) await cycle()
  assert.equal(core.HEAPU8.byteLength, before, 'the wasm heap grew: some connection memory was not freed')
})

test('a WebSocket URL with a token in its query string never appears in errors', async () => {
  class Throwing {
    constructor(url) {
      throw new SyntaxError('Invalid URL: ' + url)
    }
  }
  const webSocketUrl = 'ws://proxy.example/v1?token=SECRET-TOKEN-123'
  const c = new Client({ ...clientConfig(svc, 'scram'), webSocketUrl, webSocketConstructor: Throwing })
  const err = await c.connect().then(() => null, (e) => e)
  assert.equal(err.code, 'ECONNREFUSED')
  for (const text of [err.message, String(err), err.stack, JSON.stringify(err)]) assert.ok(!text.includes('SECRET-TOKEN'), text)
})

test('a WebSocket that delivers Blobs (binaryType stuck at blob) fails with EPROTO, not a hang', async () => {
  const { WebSocket } = await import('ws')
  class BlobOnly extends WebSocket {
    get binaryType() {
      return super.binaryType
    }
    set binaryType(_) {
      super.binaryType = 'blob'
    }
  }
  const c = new Client(clientConfig(svc, 'trust', { webSocketConstructor: BlobOnly, connectionTimeoutMillis: 5000 }))
  const err = await c.connect().then(() => null, (e) => e)
  assert.ok(err instanceof EdgepgError, String(err))
  assert.equal(err.code, 'EPROTO')
  assert.match(err.message, /neither an ArrayBuffer nor a byte view/)
})
