// edgepg-gateway's session limits and statement log: limits.idle_timeout_ms ends sessions idle between statements
// (never a running query or an open transaction); audit.statements writes each statement's SQL with the session's
// identity, never a parameter value or the token.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { getServices } from '../support/env.js'
import { DATABASE, prepareDatabase, startGateway, token } from '../support/gateway.js'

let svc

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
})

test('limits.idle_timeout_ms: an idle session ends with 57P05, a long query or an open transaction does not', async () => {
  const short = await startGateway(svc, { limits: { auth_timeout_ms: 3000, idle_timeout_ms: 400 }, pool: { max: 2 } })
  try {
    const open = async (sub) => {
      const c = new pg.Client({ host: '127.0.0.1', port: short.postgres, user: 'gw_user', database: DATABASE,
        password: await token({ sub, role: 'gw_user' }) })
      const errors = []
      c.on('error', (e) => errors.push(e))
      await c.connect()
      return { c, errors }
    }
    const idle = await open('ken')
    await new Promise((r) => setTimeout(r, 1500))
    assert.equal(idle.errors[0]?.code, '57P05')
    const busy = await open('lee')
    assert.equal((await busy.c.query('select pg_sleep(1.2), 1 as ok')).rows[0].ok, 1)  // a query 3x the limit
    await busy.c.query('begin')
    await new Promise((r) => setTimeout(r, 1000))
    assert.equal((await busy.c.query('select 2 as ok')).rows[0].ok, 2)  // inside a transaction: not idle
    await busy.c.query('commit')
    assert.deepEqual(busy.errors, [])
    await busy.c.end()
  } finally {
    await short.stop()
  }
})

test('audit.statements: the SQL of each Query and Parse, with sub and role; never a parameter value or the token', async () => {
  const logged = await startGateway(svc, { audit: { statements: true } })
  try {
    const tok = await token({ sub: 'olga', role: 'gw_user' })
    const c = new pg.Client({ host: '127.0.0.1', port: logged.postgres, user: 'gw_user', database: DATABASE, password: tok })
    await c.connect()
    await c.query('select 41 + 1 as simple_query')
    await c.query('select $1::text as extended_query', ['param-value-never-logged'])
    await c.end()
    await new Promise((r) => setTimeout(r, 100))
    const statements = logged.audit().filter((e) => e.event === 'statement')
    assert.ok(statements.some((e) => e.sql === 'select 41 + 1 as simple_query' && e.sub === 'olga' && e.role === 'gw_user'))
    assert.ok(statements.some((e) => e.sql === 'select $1::text as extended_query'))
    const trail = JSON.stringify(logged.audit())
    assert.ok(!trail.includes('param-value-never-logged'))
    assert.ok(!trail.includes(tok))
  } finally {
    await logged.stop()
  }
})
