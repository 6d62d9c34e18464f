// edgepg-gateway's roles.<role>.cloudsql_iam and azure_entra: the gateway holds no database password. Against the
// local stand-ins of Google STS + IAM Credentials and the Entra ID token endpoint (tests/support/cloud-servers.js),
// which hand out an access token the test knows, and a PostgreSQL of its own (TLS on, the two roles logging in with a
// cleartext password whose value is that token), node-postgres logs in through the gateway as each role. The
// requests the gateway sent are checked field by field; the access token is cached (one exchange for several logins,
// a fresh provider after SIGHUP); a rotated token file is read at the next refresh; a refused exchange is an 08004
// naming the service's error code, with no token in the answer, the gateway's output or its audit trail; the
// configuration refuses two sources for a role, a token source without a TLS upstream, and unknown keys.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import pg from 'pg'
import { startCloudServer } from '../support/cloud-servers.js'
import { AUDIENCE, DATABASE, GATEWAY_BIN, ISSUER, prepareDatabase, startGateway, token } from '../support/gateway.js'
import { psql, startPostgres, stopPostgres } from '../support/services.js'
import { makeServerCertificates } from '../support/tls-certs.js'

const run = promisify(execFile)
const GCP_AUDIENCE = '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/gke/providers/k8s'
const SERVICE_ACCOUNT = 'db-app@proj-1.iam.gserviceaccount.com'
const SQL_LOGIN = 'https://www.googleapis.com/auth/sqlservice.login'
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform'
const TENANT = 'contoso.onmicrosoft.com'
const CLIENT_ID = '0f6b5e1c-2d3a-4b5c-8d9e-0a1b2c3d4e5f'
// The access tokens the stand-ins hand out (fixedAccessToken): the roles' database passwords.
const GCP_ACCESS_TOKEN = 'ya29.c.gatewayCloudSqlAccessToken-0123456789abcdefghijklmnop'
const ENTRA_ACCESS_TOKEN = 'eyJ0eXAiOiJKV1QifQ.gatewayEntraAccessToken-0123456789abcdefghijkl.sig'
// The workload's OIDC tokens (JWT-shaped, as the stand-ins require), per file version.
const oidc = (who) => `eyJhbGciOiJSUzI1NiJ9.${Buffer.from(JSON.stringify({ sub: who })).toString('base64url')}.c2lnLWdhdGV3YXktdGVzdA`

let svc, certs, cloud, dir
const tokensUsed = new Set([GCP_ACCESS_TOKEN, ENTRA_ACCESS_TOKEN])

before(async () => {
  // A cluster of its own: it turns TLS on and lets two roles log in with a cleartext password (the token).
  svc = await startPostgres()
  prepareDatabase(svc)
  certs = makeServerCertificates()
  const hba = join(svc.data, 'pg_hba.conf')
  writeFileSync(hba, 'hostssl all gw_user,gw_admin 127.0.0.1/32 password\n' + readFileSync(hba, 'utf8'))
  psql(svc, `alter system set ssl_cert_file = '${certs.certFile}'`, `alter system set ssl_key_file = '${certs.keyFile}'`,
    'alter system set ssl = on', `alter role gw_user password '${GCP_ACCESS_TOKEN}'`,
    `alter role gw_admin password '${ENTRA_ACCESS_TOKEN}'`, 'select pg_reload_conf()')
  for (let i = 0; i < 100 && psql(svc, 'show ssl').trim() !== 'on'; i++) await new Promise((r) => setTimeout(r, 100))
  assert.equal(psql(svc, 'show ssl').trim(), 'on')
  cloud = await startCloudServer()
  dir = mkdtempSync(join(tmpdir(), 'edgepg-cloud-iam-'))
  process.env.GW_TEST_ANON_PW = 'gw-anon-pw-3b1e'
})
after(async () => {
  await cloud?.close()
  if (svc) stopPostgres(svc)
  if (dir) rmSync(dir, { recursive: true, force: true })
})

// gw_user: cloudsql_iam (with impersonation); gw_admin: azure_entra from AKS workload identity's variables.
async function gateway(name) {
  const gcpFile = join(dir, name + '-gcp-token')
  const azureFile = join(dir, name + '-azure-token')
  writeFileSync(gcpFile, oidc(name + '-gcp-1') + '\n')
  writeFileSync(azureFile, oidc(name + '-azure-1') + '\n')
  Object.assign(process.env, { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE: azureFile,
    AZURE_AUTHORITY_HOST: cloud.url + '/entra' })
  try {
    const gw = await startGateway(svc, {
      upstream: { host: '127.0.0.1', port: svc.pgPort, sslmode: 'verify-full', sslrootcert: certs.caFile, databases: [DATABASE] },
      roles: {
        gw_user: { cloudsql_iam: { audience: GCP_AUDIENCE, token_file: gcpFile, service_account: SERVICE_ACCOUNT,
          endpoints: { sts: cloud.url + '/google/v1/token', iam_credentials: cloud.url + '/iam' } } },
        gw_admin: { azure_entra: {} },
        gw_anon: { password_env: 'GW_TEST_ANON_PW' },
      },
    })
    return { gw, gcpFile, azureFile }
  } finally {
    for (const k of ['AZURE_TENANT_ID', 'AZURE_CLIENT_ID', 'AZURE_FEDERATED_TOKEN_FILE', 'AZURE_AUTHORITY_HOST']) delete process.env[k]
  }
}

async function login(gw, role, sub) {
  const tok = await token({ sub, role })
  tokensUsed.add(tok)
  const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: role, database: DATABASE, password: tok })
  try {
    await c.connect()
    return (await c.query('select current_user as who, (select ssl from pg_stat_ssl where pid = pg_backend_pid()) as ssl, edgepg.sub() as sub')).rows[0]
  } finally {
    await c.end().catch(() => {})
  }
}

const requests = (service) => cloud.requests.filter((r) => r.service === service)

function assertNoSecret(gw, ...more) {
  const shown = [gw.output(), JSON.stringify(gw.audit()), ...more]
  for (const secret of [...tokensUsed, ...cloud.issued.map((i) => i.token).filter(Boolean)]) {
    for (const s of shown) assert.ok(!s.includes(secret), `a token appears in: ${s.slice(0, 200)}`)
  }
}

test('cloudsql_iam: the gateway logs in as the role with the Google access token; STS and IAM Credentials asked field by field', async () => {
  cloud.requests.length = 0
  cloud.fixedAccessToken = GCP_ACCESS_TOKEN
  const { gw, gcpFile } = await gateway('gcp')
  tokensUsed.add(readFileSync(gcpFile, 'utf8').trim())
  try {
    assert.deepEqual(await login(gw, 'gw_user', 'alice'), { who: 'gw_user', ssl: true, sub: 'alice' })
    const [sts] = requests('gcpSts')
    assert.equal(sts.method, 'POST')
    assert.equal(sts.path, '/google/v1/token')
    assert.equal(sts.headers['content-type'], 'application/x-www-form-urlencoded')
    assert.deepEqual(sts.form, {
      grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange',
      audience: GCP_AUDIENCE,
      scope: CLOUD_PLATFORM, // with impersonation the federated token only calls IAM Credentials
      requested_token_type: 'urn:ietf:params:oauth:token-type:access_token',
      subject_token: oidc('gcp-gcp-1'),
      subject_token_type: 'urn:ietf:params:oauth:token-type:jwt',
    })
    const [iam] = requests('gcpIam')
    assert.equal(iam.method, 'POST')
    assert.equal(iam.path, `/iam/v1/projects/-/serviceAccounts/${SERVICE_ACCOUNT}:generateAccessToken`)
    const federated = cloud.issued.find((i) => i.token.startsWith('ya29.d.')).token
    assert.equal(iam.headers.authorization, 'Bearer ' + federated)
    assert.deepEqual(JSON.parse(iam.body), { scope: [SQL_LOGIN], lifetime: '3600s' })

    // Cached until five minutes before it expires: more logins, no new exchange.
    assert.equal((await login(gw, 'gw_user', 'bob')).sub, 'bob')
    assert.equal((await login(gw, 'gw_user', 'carol')).who, 'gw_user')
    assert.equal(requests('gcpSts').length, 1)
    assert.equal(requests('gcpIam').length, 1)

    // SIGHUP rebuilds the providers: the next login exchanges again.
    await gw.reload()
    assert.equal((await login(gw, 'gw_user', 'dave')).who, 'gw_user')
    assert.equal(requests('gcpSts').length, 2)
    assertNoSecret(gw)
  } finally {
    await gw.stop()
  }
})

test('azure_entra from AKS workload identity variables: the gateway logs in with the Entra token; the request field by field', async () => {
  cloud.requests.length = 0
  cloud.fixedAccessToken = ENTRA_ACCESS_TOKEN
  const { gw, azureFile } = await gateway('azure')
  tokensUsed.add(readFileSync(azureFile, 'utf8').trim())
  try {
    assert.deepEqual(await login(gw, 'gw_admin', 'erin'), { who: 'gw_admin', ssl: true, sub: 'erin' })
    const [entra] = requests('entra')
    assert.equal(entra.method, 'POST')
    assert.equal(entra.path, `/entra/${TENANT}/oauth2/v2.0/token`)
    assert.equal(entra.headers['content-type'], 'application/x-www-form-urlencoded')
    assert.deepEqual(entra.form, {
      client_id: CLIENT_ID,
      scope: 'https://ossrdbms-aad.database.windows.net/.default',
      client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer',
      client_assertion: oidc('azure-azure-1'),
      grant_type: 'client_credentials',
    })
    assert.equal((await login(gw, 'gw_admin', 'frank')).who, 'gw_admin')
    assert.equal(requests('entra').length, 1)
    assertNoSecret(gw)
  } finally {
    await gw.stop()
  }
})

test('a rotated token file is read at the next refresh (both sources)', async () => {
  cloud.requests.length = 0
  cloud.accessTokenLifetime = 12 // usable for about 2 s with the cache's 10 s skew
  const { gw, gcpFile, azureFile } = await gateway('rotate')
  try {
    cloud.fixedAccessToken = GCP_ACCESS_TOKEN
    assert.equal((await login(gw, 'gw_user', 'gina')).who, 'gw_user')
    cloud.fixedAccessToken = ENTRA_ACCESS_TOKEN
    assert.equal((await login(gw, 'gw_admin', 'gina')).who, 'gw_admin')
    writeFileSync(gcpFile, oidc('rotate-gcp-2') + '\n') // as the kubelet does it: a new token in the same file
    writeFileSync(azureFile, oidc('rotate-azure-2') + '\n')
    await new Promise((r) => setTimeout(r, 2500))
    cloud.fixedAccessToken = GCP_ACCESS_TOKEN
    assert.equal((await login(gw, 'gw_user', 'hank')).who, 'gw_user')
    cloud.fixedAccessToken = ENTRA_ACCESS_TOKEN
    assert.equal((await login(gw, 'gw_admin', 'hank')).who, 'gw_admin')
    assert.deepEqual(requests('gcpSts').map((r) => r.form.subject_token), [oidc('rotate-gcp-1'), oidc('rotate-gcp-2')])
    assert.deepEqual(requests('entra').map((r) => r.form.client_assertion), [oidc('rotate-azure-1'), oidc('rotate-azure-2')])
    for (const v of [1, 2]) tokensUsed.add(oidc(`rotate-gcp-${v}`)).add(oidc(`rotate-azure-${v}`))
    assertNoSecret(gw)
  } finally {
    cloud.accessTokenLifetime = null
    await gw.stop()
  }
})

test('a refused exchange: 08004 naming the service\'s error code, no token or assertion in the answer, output or audit', async () => {
  cloud.requests.length = 0
  const { gw, gcpFile, azureFile } = await gateway('refused')
  const subject = readFileSync(gcpFile, 'utf8').trim()
  const assertion = readFileSync(azureFile, 'utf8').trim()
  tokensUsed.add(subject).add(assertion)
  // The stand-ins quote the token in their descriptions, as the real services have been seen to.
  cloud.behaviour.gcpSts = { status: 400, code: 'invalid_grant', message: `The audience in ID Token [${subject}] does not match the expected audience.` }
  cloud.behaviour.entra = { status: 400, code: 'invalid_client', number: 70021,
    message: `No matching federated identity record found for presented assertion ${assertion}.` }
  try {
    const refusal = async (role) => {
      const e = await login(gw, role, 'ivan').then(() => assert.fail('the login must be refused'), (err) => err)
      assert.equal(e.code, '08004', e.message) // the gateway's credentials, not the client's token
      assert.match(e.message, new RegExp(`no usable credentials for role "${role}"`))
      return e.message
    }
    const google = await refusal('gw_user')
    assert.match(google, /cloudsql_iam/)
    assert.match(google, /Google STS token exchange refused the exchange \(invalid_grant, HTTP 400\)/)
    const entra = await refusal('gw_admin')
    assert.match(entra, /azure_entra/)
    assert.match(entra, /refused the exchange \(AADSTS70021, HTTP 400\)/)
    assert.equal(requests('gcpIam').length, 0)
    const audit = gw.audit()
    assert.ok(audit.some((a) => a.event === 'refused' && a.role === 'gw_user' && a.reason === 'credentials_refused'), JSON.stringify(audit))
    for (const part of [...subject.split('.'), ...assertion.split('.')].filter((p) => p.length > 16)) {
      for (const shown of [google, entra, gw.output(), JSON.stringify(audit)]) assert.ok(!shown.includes(part))
    }
    assertNoSecret(gw, google, entra)
  } finally {
    cloud.behaviour = {}
    await gw.stop()
  }
})

// --check-config on a configuration with one role, with the given environment.
async function check(name, sslmode, role, env = {}) {
  writeFileSync(join(dir, 'secret'), 'x'.repeat(48))
  const file = join(dir, name + '.json')
  writeFileSync(file, JSON.stringify({
    listen: { postgres: '127.0.0.1:0' },
    upstream: { host: 'db.internal', port: 5432, sslmode },
    identity: { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret_file: join(dir, 'secret'), allowed_roles: ['app_user'] },
    roles: { app_user: role },
  }))
  return run(GATEWAY_BIN, ['--check-config', file], { env: { PATH: process.env.PATH, ...env } })
    .then(({ stdout }) => ({ ok: true, text: stdout }), (e) => ({ ok: false, text: e.stderr }))
}

test('--check-config: the two sources, their defaults, and what is refused (with the key\'s path)', async () => {
  const gcp = { audience: GCP_AUDIENCE, token_file: '/var/run/secrets/tokens/gcp' }
  const aks = { AZURE_TENANT_ID: TENANT, AZURE_CLIENT_ID: CLIENT_ID, AZURE_FEDERATED_TOKEN_FILE: '/var/run/secrets/azure/tokens/azure-identity-token' }
  let r = await check('gcp', 'verify-full', { cloudsql_iam: gcp })
  assert.ok(r.ok, r.text)
  r = await check('gcp-full', 'require', { cloudsql_iam: { ...gcp, service_account: SERVICE_ACCOUNT, scopes: [SQL_LOGIN],
    endpoints: { sts: 'https://sts.example/v1/token', iam_credentials: 'https://iam.example' } } })
  assert.ok(r.ok, r.text)
  r = await check('azure-env', 'verify-ca', { azure_entra: {} }, aks)
  assert.ok(r.ok, r.text)
  r = await check('azure-keys', 'require', { azure_entra: { tenant_id: TENANT, client_id: CLIENT_ID, token_file: '/t',
    authority_host: 'https://login.microsoftonline.us', scope: 'https://ossrdbms-aad.database.usgovcloudapi.net/.default' } })
  assert.ok(r.ok, r.text)

  r = await check('gcp-plain', 'prefer', { cloudsql_iam: gcp })
  assert.ok(!r.ok)
  assert.match(r.text, /roles\.app_user\.cloudsql_iam: needs upstream\.sslmode require, verify-ca or verify-full/)
  r = await check('azure-plain', 'disable', { azure_entra: {} }, aks)
  assert.match(r.text, /roles\.app_user\.azure_entra: needs upstream\.sslmode require/)
  r = await check('two', 'require', { cloudsql_iam: gcp, password_file: '/run/secrets/pw' })
  assert.match(r.text, /roles\.app_user: needs exactly one of password_file, password_env, rds_iam, cloudsql_iam or azure_entra/)
  r = await check('two-tokens', 'require', { cloudsql_iam: gcp, azure_entra: {} }, aks)
  assert.match(r.text, /roles\.app_user: needs exactly one of/)
  r = await check('unknown', 'require', { cloudsql_iam: { ...gcp, project: 'p' } })
  assert.match(r.text, /roles\.app_user\.cloudsql_iam\.project: unknown key/)
  r = await check('unknown-endpoint', 'require', { cloudsql_iam: { ...gcp, endpoints: { token: 'https://x' } } })
  assert.match(r.text, /roles\.app_user\.cloudsql_iam\.endpoints\.token: unknown key/)
  r = await check('audience', 'require', { cloudsql_iam: { token_file: '/t' } })
  assert.match(r.text, /roles\.app_user\.cloudsql_iam\.audience: is required/)
  r = await check('no-file', 'require', { cloudsql_iam: { audience: GCP_AUDIENCE } })
  assert.match(r.text, /roles\.app_user\.cloudsql_iam\.token_file: is required/)
  r = await check('http', 'require', { cloudsql_iam: { ...gcp, endpoints: { sts: 'http://sts.example/v1/token' } } })
  assert.match(r.text, /roles\.app_user\.cloudsql_iam\.endpoints\.sts must start with https:\/\//)
  r = await check('azure-no-env', 'require', { azure_entra: {} })
  assert.match(r.text, /roles\.app_user\.azure_entra\.tenant_id: is required \(or AZURE_TENANT_ID\)/)
  r = await check('azure-no-file', 'require', { azure_entra: {} }, { ...aks, AZURE_FEDERATED_TOKEN_FILE: '' })
  assert.match(r.text, /roles\.app_user\.azure_entra\.token_file: is required/)
  r = await check('azure-unknown', 'require', { azure_entra: { client_secret: 's' } }, aks)
  assert.match(r.text, /roles\.app_user\.azure_entra\.client_secret: unknown key/)
})

test('a token service that does not answer holds only its own login: other sessions of the gateway go on', async () => {
  const { gw } = await gateway('slow')
  cloud.behaviour.gcpSts = 'slow' // the exchange hangs until the gateway gives up on it
  try {
    const stuck = login(gw, 'gw_user', 'slow-sub').then(() => 'logged in', (e) => e.code)
    await new Promise((resolve) => setTimeout(resolve, 200)) // the gateway is now waiting for Google STS
    // Anonymous logins (gw_anon: a password from the environment) spread over the gateway's io threads; each must
    // answer while the exchange hangs (it used to run on an io thread, stalling that thread's sessions).
    const started = performance.now()
    const times = await Promise.all(Array.from({ length: 6 }, async () => {
      const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_anon', database: DATABASE, password: '' })
      const t0 = performance.now()
      await c.connect()
      assert.equal((await c.query('select current_user as u')).rows[0].u, 'gw_anon')
      await c.end()
      return performance.now() - t0
    }))
    assert.ok(Math.max(...times) < 1500, `anonymous logins took ${times.map((t) => t.toFixed(0)).join(', ')} ms`)
    assert.ok(performance.now() - started < 2000)
    assert.notEqual(await stuck, 'logged in')
  } finally {
    cloud.behaviour.gcpSts = 'ok'
    await gw.stop()
  }
})
