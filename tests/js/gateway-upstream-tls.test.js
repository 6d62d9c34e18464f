// edgepg-gateway's own connection to PostgreSQL under TLS (upstream.sslmode, libpq's meanings): the test cluster
// gets a certificate from a throwaway CA; with verify-full the gateway's backends and its claims channel run over
// TLS (pg_stat_ssl says so), pooled backends keep their TLS session between holders, and a gateway that trusts
// another CA refuses to log in rather than talk in the clear.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { getServices } from '../support/env.js'
import { psql } from '../support/services.js'
import { DATABASE, prepareDatabase, startGateway, token } from '../support/gateway.js'
import { makeServerCertificates } from '../support/tls-certs.js'

let svc, certs

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  certs = makeServerCertificates()
  psql(svc, `alter system set ssl_cert_file = '${certs.certFile}'`, `alter system set ssl_key_file = '${certs.keyFile}'`,
    'alter system set ssl = on', 'select pg_reload_conf()')
  for (let i = 0; i < 100 && psql(svc, 'show ssl').trim() !== 'on'; i++) await new Promise((r) => setTimeout(r, 100))
  assert.equal(psql(svc, 'show ssl').trim(), 'on')
})
after(() => {
  psql(svc, 'alter system reset ssl', 'alter system reset ssl_cert_file', 'alter system reset ssl_key_file', 'select pg_reload_conf()')
})

const upstream = (extra) => ({ host: '127.0.0.1', port: svc.pgPort, databases: [DATABASE], ...extra })
async function ask(gw, sub, sql) {
  const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE,
    password: await token({ sub, role: 'gw_user' }) })
  await c.connect()
  try {
    return (await c.query(sql)).rows[0]
  } finally {
    await c.end()
  }
}
const tlsSql = 'select pg_backend_pid() as pid, (select ssl from pg_stat_ssl where pid = pg_backend_pid()) as ssl, edgepg.sub() as sub'

test('sslmode verify-full: the backends and the claims channel run over TLS, pooled ones keep it', async () => {
  const gw = await startGateway(svc, { upstream: upstream({ sslmode: 'verify-full', sslrootcert: certs.caFile }), pool: { max: 1 } })
  try {
    const first = await ask(gw, 'alice', tlsSql)
    assert.equal(first.ssl, true)
    assert.equal(first.sub, 'alice')  // the claims channel logged in (over TLS too) and wrote the row
    const second = await ask(gw, 'bob', tlsSql)
    assert.deepEqual(second, { pid: first.pid, ssl: true, sub: 'bob' })  // the same backend, its TLS session kept
    const admin = Number(psql(svc, "select count(*) from pg_stat_ssl s join pg_stat_activity a using (pid) where a.usename = 'gw_claims_admin' and s.ssl").trim())
    assert.ok(admin >= 1, 'the claims channel connection is under TLS')
  } finally {
    await gw.stop()
  }
})

test('sslmode disable: plain, as asked; verify-full against another CA: no login at all', async () => {
  const plain = await startGateway(svc, { upstream: upstream({ sslmode: 'disable' }) })
  try {
    assert.equal((await ask(plain, 'carol', tlsSql)).ssl, false)
  } finally {
    await plain.stop()
  }
  const wrong = await startGateway(svc, { upstream: upstream({ sslmode: 'verify-full', sslrootcert: certs.wrongCaFile }) })
  try {
    const tok = await token({ sub: 'mallory', role: 'gw_user' })
    const c = new pg.Client({ host: '127.0.0.1', port: wrong.postgres, user: 'gw_user', database: DATABASE, password: tok })
    await assert.rejects(c.connect(), (e) => {
      assert.ok(['08004', '08006'].includes(e.code), e.code)
      assert.match(e.message, /certificate/)
      assert.ok(!e.message.includes(tok))
      return true
    })
  } finally {
    await wrong.stop()
  }
})

test('an rds_iam role over TLS: the IAM token goes only to a server that asks for a cleartext password', async () => {
  process.env.AWS_ACCESS_KEY_ID = 'AKIAGATEWAYTEST00002'
  process.env.AWS_SECRET_ACCESS_KEY = 'upstreamTlsTestSecretKey/0123456789+abcdefgh'
  const gw = await startGateway(svc, { upstream: upstream({ sslmode: 'verify-full', sslrootcert: certs.caFile }),
    roles: { gw_user: { rds_iam: { region: 'eu-west-1' } }, gw_admin: { password_env: 'PATH' }, gw_anon: { password_env: 'PATH' } } })
  try {
    const tok = await token({ sub: 'nina', role: 'gw_user' })
    const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE, password: tok })
    // gw_user logs in by SCRAM on this server: the gateway, holding an IAM token, refuses to answer SCRAM with it.
    await assert.rejects(c.connect(), (e) => {
      assert.equal(e.code, '08004', e.message)
      assert.ok(!e.message.includes(tok) && !e.message.includes(process.env.AWS_SECRET_ACCESS_KEY))
      return true
    })
    assert.ok(!gw.output().includes(process.env.AWS_SECRET_ACCESS_KEY))
  } finally {
    await gw.stop()
  }
})
