// edgepg-gateway's roles.<role>.rds_iam: the configuration takes it with a TLS upstream (sslmode require or stricter)
// and refuses it otherwise, naming the key; against a database that offers no TLS a session of such a role is refused
// (08006) instead of sending the token in the clear, and neither the answer nor the gateway's output shows the AWS
// key. (tests/js/gateway-upstream-tls.test.js: over TLS, a server that asks for SCRAM gets no token either.) (The token the gateway signs is proven byte-equal to @aws-sdk/rds-signer's
// in tests/native/gateway_credentials_e2e_test.cpp, with credentials from a local STS.)
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { getServices } from '../support/env.js'
import { AUDIENCE, DATABASE, GATEWAY_BIN, ISSUER, prepareDatabase, startGateway, token } from '../support/gateway.js'

const run = promisify(execFile)
const AWS_SECRET = 'gatewayTestSecretKey/0123456789+abcdefghijklmn'
let svc, gw, dir

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  dir = mkdtempSync(join(tmpdir(), 'edgepg-rds-iam-'))
  process.env.AWS_ACCESS_KEY_ID = 'AKIAGATEWAYTEST00001'
  process.env.AWS_SECRET_ACCESS_KEY = AWS_SECRET
  process.env.GW_TEST_ADMIN_PW = 'unused-admin-pw'
  process.env.GW_TEST_ANON_PW = 'unused-anon-pw'
  gw = await startGateway(svc, {
    upstream: { host: '127.0.0.1', port: svc.pgPort, sslmode: 'require', databases: [DATABASE] },
    roles: {
      gw_user: { rds_iam: { region: 'eu-west-1' } },
      gw_admin: { password_env: 'GW_TEST_ADMIN_PW' },
      gw_anon: { password_env: 'GW_TEST_ANON_PW' },
    },
  })
})
after(async () => {
  await gw?.stop()
  rmSync(dir, { recursive: true, force: true })
})

function config(sslmode, role) {
  writeFileSync(join(dir, 'secret'), 'x'.repeat(48))
  return {
    listen: { postgres: '127.0.0.1:0' },
    upstream: { host: 'db.cluster-abc.eu-west-1.rds.amazonaws.com', port: 5432, sslmode },
    identity: { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret_file: join(dir, 'secret'),
      allowed_roles: ['app_user'] },
    roles: { app_user: role },
  }
}

async function check(name, value) {
  const file = join(dir, name + '.json')
  writeFileSync(file, JSON.stringify(value))
  return run(GATEWAY_BIN, ['--check-config', file]).then(({ stdout }) => ({ ok: true, text: stdout }),
    (e) => ({ ok: false, text: e.stderr }))
}

test('--check-config: rds_iam with a TLS upstream is valid; with a plain one, or beside a password, it is named', async () => {
  let r = await check('ok', config('verify-full', { rds_iam: { region: 'eu-west-1', host: 'proxy.example', port: 6432 } }))
  assert.ok(r.ok, r.text)
  assert.match(r.text, /the configuration is valid/)
  r = await check('plain', config('disable', { rds_iam: { region: 'eu-west-1' } }))
  assert.ok(!r.ok)
  assert.match(r.text, /roles\.app_user\.rds_iam: needs upstream\.sslmode require, verify-ca or verify-full/)
  r = await check('both', config('require', { rds_iam: { region: 'eu-west-1' }, password_env: 'PW' }))
  assert.match(r.text, /roles\.app_user: needs exactly one of password_file, password_env, rds_iam, cloudsql_iam or azure_entra/)
  r = await check('region', config('require', { rds_iam: { region: 'EU West' } }))
  assert.match(r.text, /roles\.app_user\.rds_iam\.region: is required/)
  r = await check('unknown', config('require', { rds_iam: { region: 'eu-west-1', role_arn: 'arn:aws:iam::1:role/x' } }))
  assert.match(r.text, /roles\.app_user\.rds_iam.*role_arn/)
})

test('an rds_iam role against a database without TLS: refused (08006), no token sent, no key in any answer or log', async () => {
  const tok = await token({ sub: 'alice', role: 'gw_user' })
  const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE, password: tok })
  const e = await c.connect().then(() => assert.fail('the login must be refused'), (err) => err)
  await c.end().catch(() => {})
  assert.equal(e.code, '08006', e.message)
  assert.match(e.message, /does not offer TLS, and upstream\.sslmode is require/)
  for (const shown of [e.message, gw.output(), JSON.stringify(gw.audit())]) {
    assert.ok(!shown.includes(AWS_SECRET))
    assert.ok(!shown.includes(tok))
  }
})
