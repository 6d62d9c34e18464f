// The native face (edgepg::Connection, through examples/gateway-client) end to end through edgepg-gateway over both
// of its listeners, PostgreSQL over TCP and WebSocket (ws://): the user's token is the cleartext password and
// require_auth allows nothing else; the gateway logs in AS the mapped role and edgepg.sub() reads the verified
// subject. A wrong or expired token is refused with SQLSTATE 28000 and the gateway's cause code.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { getServices } from '../support/env.js'
import { REPO } from '../support/pack.js'
import { DATABASE, prepareDatabase, startGateway, token } from '../support/gateway.js'

const run = promisify(execFile)
const CLIENT = join(REPO, 'build', 'native', 'examples', 'gateway-client', 'gateway-client')
const SQL = "select current_user, edgepg.sub(), edgepg.claim('role'), (select string_agg(body, ',') from secrets)"
let svc, gw

before(async () => {
  if (!existsSync(CLIENT)) throw new Error(`no ${CLIENT}: build it first (scripts/build native)`)
  svc = await getServices()
  prepareDatabase(svc)
  gw = await startGateway(svc)
})
after(async () => {
  await gw?.stop()
})

const conninfo = {
  postgres: () => `host=127.0.0.1 port=${gw.postgres} user=gw_user dbname=${DATABASE} sslmode=disable`,
  // host and port name the upstream the gateway relays to; the WebSocket URL is where the client connects.
  websocket: () => `host=127.0.0.1 port=${svc.pgPort} user=gw_user dbname=${DATABASE} sslmode=disable ` +
    `websocket_url=ws://127.0.0.1:${gw.websocket}/v2?address=127.0.0.1:${svc.pgPort}`,
}

// Runs the client; resolves { code, stdout, stderr } whatever its exit status.
async function client(info, tok, sql = SQL) {
  try {
    const { stdout, stderr } = await run(CLIENT, [info, sql], { env: { ...process.env, EDGEPG_TOKEN: tok } })
    return { code: 0, stdout, stderr }
  } catch (e) {
    if (typeof e.code !== 'number') throw e
    return { code: e.code, stdout: e.stdout, stderr: e.stderr }
  }
}

for (const listener of ['postgres', 'websocket']) {
  test(`native client over the ${listener} listener: the token as password, the login is the mapped role`, async () => {
    const before = gw.audit().length
    const alice = await client(conninfo[listener](), await token({ sub: 'alice', role: 'gw_user' }))
    assert.equal(alice.stderr, '')
    assert.equal(alice.stdout, "gw_user|alice|gw_user|alice's secret\n")
    const bob = await client(conninfo[listener](), await token({ sub: 'bob', role: ['gw_user', 'gw_admin'] }))
    assert.equal(bob.stdout, 'gw_user|bob|["gw_user", "gw_admin"]|bob\'s secret\n') // the first allowed role
    const admin = await client(conninfo[listener]().replace('user=gw_user', 'user=gw_admin'),
      await token({ sub: 'root', role: ['gw_user', 'gw_admin'] }), 'select current_user, edgepg.sub()')
    assert.equal(admin.stdout, 'gw_admin|root\n') // the startup user picks among the token's roles
    const started = gw.audit().slice(before).filter((l) => l.event === 'session_start')
    assert.deepEqual(started.map((l) => [l.listener, l.sub, l.role]),
      [[listener, 'alice', 'gw_user'], [listener, 'bob', 'gw_user'], [listener, 'root', 'gw_admin']])
  })

  test(`native client over the ${listener} listener: a wrong or expired token is refused with 28000 and its cause`, async () => {
    const cases = [
      [await token({ sub: 'alice', role: 'gw_user' }, { exp: Math.floor(Date.now() / 1000) - 3600 }), 'ERR_JWT_EXPIRED'],
      [await token({ sub: 'alice', role: 'gw_user' }, { secret: 'another-secret-of-at-least-32-bytes!!!!' }), 'ERR_JWT_SIGNATURE'],
      ['not-a-token', 'ERR_JWT_MALFORMED'],
    ]
    for (const [tok, cause] of cases) {
      const r = await client(conninfo[listener](), tok)
      assert.equal(r.code, 1, cause)
      assert.equal(r.stdout, '')
      assert.match(r.stderr, new RegExp(`^28000: ${cause}: `), cause)
      assert.ok(!r.stderr.includes(tok), 'the token is never echoed')
      assert.ok(gw.audit().some((l) => l.event === 'auth_failed' && l.reason === cause && l.listener === listener))
    }
  })
}

test('native client: require_auth=password refuses a server that asks for SCRAM (the upstream itself)', async () => {
  const r = await client(`host=127.0.0.1 port=${svc.pgPort} user=scram_user dbname=edgepg_test sslmode=disable`,
    await token({ sub: 'alice', role: 'gw_user' }), 'select 1')
  assert.equal(r.code, 1)
  assert.match(r.stderr, /^EAUTH: /)
})
