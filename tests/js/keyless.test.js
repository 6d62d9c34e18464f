// Keyless (issue #16): workload OIDC token -> cloud credentials -> database token, against local stand-ins of AWS
// STS, Google STS + IAM Credentials and Entra ID (tests/support/cloud-servers.js) that answer in the documented
// formats. Requests checked field by field; each documented error; slow, malformed and oversized answers; refresh
// with an injected clock; a differential test against @aws-sdk/credential-providers' fromWebToken and
// @aws-sdk/rds-signer; no token or secret in any error, its stack or its JSON.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { fromWebToken } from '@aws-sdk/credential-providers'
import { Signer } from '@aws-sdk/rds-signer'
import { Client, EdgepgError, awsWebIdentityCredentials, azureAccessToken, gcpAccessToken, rdsAuthToken, rdsIamPassword,
  vercelOidcToken } from 'edgepg'
import { startCloudServer } from '../support/cloud-servers.js'
import { clientConfig, getServices, ROLES } from '../support/env.js'

const OIDC = 'eyJhbGciOiJSUzI1NiIsImtpZCI6ImsxIn0.eyJpc3MiOiJodHRwczovL29pZGMudmVyY2VsLmNvbS90ZWFtIiwic3ViIjoib3duZXI6dGVhbTpwcm9qZWN0OmFwcDplbnZpcm9ubWVudDpwcm9kdWN0aW9uIn0.c2lnbmF0dXJlLW9mLXRoZS1pZHA'
const ROLE = 'arn:aws:iam::123456789012:role/edgepg-app'
const AUDIENCE = '//iam.googleapis.com/projects/123456789/locations/global/workloadIdentityPools/vercel/providers/team'
const SA = 'db-user@my-project.iam.gserviceaccount.com'

let cloud
before(async () => {
  cloud = await startCloudServer()
})
after(() => cloud.close())

const reset = () => {
  cloud.behaviour = {}
  cloud.requests.length = 0
  cloud.validTokens = null
  cloud.fixedCredentials = null
  cloud.credentialLifetime = null
  cloud.fixedAccessToken = null
}

const aws = (extra = {}) => awsWebIdentityCredentials({ roleArn: ROLE, region: 'eu-west-1', token: OIDC,
  endpoint: cloud.url + '/sts/', ...extra })
const gcp = (extra = {}) => gcpAccessToken({ audience: AUDIENCE, token: OIDC,
  endpoints: { sts: cloud.url + '/google/v1/token', iamCredentials: cloud.url + '/iam' }, ...extra })
const azure = (extra = {}) => azureAccessToken({ tenantId: '72f988bf-86f1-41af-91ab-2d7cd011db47',
  clientId: '0fd1ad3c-1111-2222-3333-444455556666', token: OIDC, authorityHost: cloud.url + '/entra', ...extra })

// The error, and proof that nothing secret is in it: not the OIDC token, nor any key or token the services issued.
async function failure(promise, code) {
  const e = await promise.then(() => assert.fail('expected a failure'), (err) => err)
  assert.ok(e instanceof EdgepgError, `an EdgepgError, got ${e}`)
  assert.equal(e.code, code, e.message)
  const shown = [e.message, e.stack, String(e), JSON.stringify(e), JSON.stringify({ ...e })].join('\n')
  const secrets = [OIDC, ...OIDC.split('.'), ...cloud.issued.flatMap((i) => [i.secretAccessKey, i.sessionToken, i.token])]
  for (const s of secrets.filter((x) => typeof x === 'string' && x.length > 8)) {
    assert.ok(!shown.includes(s), `the error shows a secret: ${e.message}`)
  }
  return e
}

// @aws-sdk/rds-signer reads the clock itself: fix Date for the duration of one call.
async function withFixedClock(ms, fn) {
  const RealDate = Date
  class FixedDate extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [ms]))
    }
    static now() {
      return ms
    }
  }
  globalThis.Date = FixedDate
  try {
    return await fn()
  } finally {
    globalThis.Date = RealDate
  }
}

test('AWS: AssumeRoleWithWebIdentity as documented, field by field; the credentials are the ones STS issued', async () => {
  reset()
  const creds = await aws({ sessionName: 'vercel-prod', durationSeconds: 900 })()
  assert.equal(cloud.requests.length, 1)
  const r = cloud.requests[0]
  assert.equal(r.method, 'POST')
  assert.equal(r.path, '/sts/')
  assert.match(r.headers['content-type'], /^application\/x-www-form-urlencoded/)
  assert.equal(r.headers.authorization, undefined, 'AssumeRoleWithWebIdentity is not signed')
  assert.deepEqual(r.form, { Action: 'AssumeRoleWithWebIdentity', Version: '2011-06-15', RoleArn: ROLE,
    RoleSessionName: 'vercel-prod', WebIdentityToken: OIDC, DurationSeconds: '900' })
  const issued = cloud.issued.at(-1)
  assert.equal(creds.accessKeyId, issued.accessKeyId)
  assert.equal(creds.secretAccessKey, issued.secretAccessKey)
  assert.equal(creds.sessionToken, issued.sessionToken)
  assert.equal(creds.expiration.getTime(), Math.floor(issued.expiration / 1000) * 1000)
})

test('AWS differential: fromWebToken and edgepg against the same STS send the same request, get the same credentials, and rds-signer agrees byte for byte', async () => {
  reset()
  cloud.fixedCredentials = { accessKeyId: 'ASIAQNZGKIQY56JQ7WML', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYzEXAMPLEKEY',
    sessionToken: 'IQoJb3JpZ2luX2VjEJr//////////wEaCXVzLWVhc3QtMSJHMEUCIQD+token/with+slashes=' }
  const init = { roleArn: ROLE, roleSessionName: 'diff-session', durationSeconds: 3600 }
  const sdk = await fromWebToken({ ...init, webIdentityToken: OIDC,
    clientConfig: { region: 'eu-west-1', endpoint: cloud.url + '/sts/' } })()
  const ours = await aws({ sessionName: 'diff-session', durationSeconds: 3600 })()
  assert.equal(cloud.requests.length, 2)
  assert.deepEqual(cloud.requests[1].form, cloud.requests[0].form, 'the same form fields')
  assert.equal(cloud.requests[1].body, cloud.requests[0].body, 'the same body, byte for byte')
  for (const k of ['accessKeyId', 'secretAccessKey', 'sessionToken']) assert.equal(ours[k], sdk[k], k)
  assert.ok(Math.abs(ours.expiration.getTime() - sdk.expiration.getTime()) <= 1000, 'the same expiry (to the second)')

  const at = Date.UTC(2026, 10, 30, 12, 34, 56)
  const opts = { hostname: 'mydb.cluster-abc.eu-west-1.rds.amazonaws.com', port: 5432, username: 'iam_app', region: 'eu-west-1' }
  const expected = await withFixedClock(at, () => new Signer({ ...opts, credentials: sdk }).getAuthToken())
  assert.equal(await rdsAuthToken({ ...opts, credentials: ours, now: at }), expected)
  assert.equal(await rdsAuthToken({ ...opts, credentials: aws({ sessionName: 'diff-session' }), now: at }), expected,
    'the provider itself as credentials')
})

test('AWS: cached until expiry minus the refresh window, one exchange for concurrent callers, the token function called at each refresh', async () => {
  reset()
  let now = Date.UTC(2026, 10, 30, 10, 0, 0)
  cloud.now = () => now
  const tokens = []
  let calls = 0
  const provider = aws({ now: () => now, token: async () => {
    calls++
    const t = OIDC + (calls === 1 ? '' : 'A' + calls) // a rotated token (still JWT-shaped)
    tokens.push(t)
    return t
  } })
  try {
    const all = await Promise.all(Array.from({ length: 20 }, () => provider()))
    assert.equal(cloud.requests.length, 1, 'one exchange for 20 concurrent callers')
    assert.ok(all.every((c) => c.accessKeyId === all[0].accessKeyId))
    now += 50 * 60_000 // 10 minutes before expiry: outside the 5-minute window
    assert.equal((await provider()).accessKeyId, all[0].accessKeyId)
    assert.equal(cloud.requests.length, 1)
    now += 6 * 60_000 // 4 minutes before expiry: refreshed ahead, the current credentials served meanwhile
    assert.equal((await provider()).accessKeyId, all[0].accessKeyId)
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(cloud.requests.length, 2)
    assert.equal(cloud.requests[1].form.WebIdentityToken, tokens[1], 'the refreshed exchange used the rotated token')
    const fresh = await provider()
    assert.notEqual(fresh.accessKeyId, all[0].accessKeyId)
    assert.equal(calls, 2)
  } finally {
    cloud.now = () => Date.now()
  }
})

test('AWS: rdsIamPassword never serves a token signed with credentials past their expiry', async () => {
  reset()
  let now = Date.UTC(2026, 10, 30, 10, 0, 0)
  cloud.now = () => now
  cloud.credentialLifetime = 8 * 60 // STS hands out credentials that expire in 8 minutes
  try {
    const password = rdsIamPassword({ hostname: 'db.example', port: 5432, username: 'iam_app', region: 'eu-west-1',
      credentials: aws({ now: () => now }), clock: () => now })
    const first = await password()
    assert.match(first, /X-Amz-Security-Token=/)
    now += 4 * 60_000 // 4 minutes left on the credentials: a 15-minute token would still be served here
    const second = await password()
    await new Promise((r) => setTimeout(r, 50))
    assert.equal(second, first, 'served while its refresh runs')
    assert.notEqual(await password(), first, 'refreshed: the credentials under it expire within the window')
    assert.equal(cloud.requests.length, 2, 'the credentials were refreshed ahead too')
  } finally {
    cloud.now = () => Date.now()
  }
})

test('AWS: each documented STS error is ECREDENTIALS with its code as detail and advice, never the token', async () => {
  const cases = [
    [400, 'InvalidIdentityToken', /OIDC identity provider/],
    [400, 'ExpiredTokenException', /fresh one/],
    [403, 'AccessDenied', /trust policy/],
    [403, 'IDPRejectedClaim', /claim/],
    [400, 'IDPCommunicationError', /Retry later/],
    [403, 'RegionDisabledException', /activate/],
    [400, 'PackedPolicyTooLarge', /too large/],
    [400, 'MalformedPolicyDocument', /policy/],
    [400, 'Throttling', /Retry later/],
  ]
  for (const [status, code, advice] of cases) {
    reset()
    cloud.behaviour.sts = { status, code, message: `Denied for token ${OIDC}` }
    const e = await failure(aws()(), 'ECREDENTIALS')
    assert.equal(e.detail, code)
    assert.match(e.message, advice)
    assert.match(e.message, new RegExp(code))
  }
  reset()
  cloud.validTokens = new Set(['eyJ.only.this'])
  const e = await failure(aws()(), 'ECREDENTIALS') // the stand-in echoes the token in its message
  assert.equal(e.detail, 'InvalidIdentityToken')
  assert.match(e.message, /\[redacted\]/)
})

test('keyless: slow answers time out, malformed and oversized answers are ECREDENTIALS, an unreachable endpoint too', async () => {
  for (const [make, service] of [[aws, 'sts'], [gcp, 'gcpSts'], [azure, 'entra']]) {
    reset()
    cloud.behaviour[service] = 'slow'
    const started = Date.now()
    const e = await failure(make({ timeout: 300 })(), 'ETIMEDOUT')
    assert.ok(Date.now() - started < 3000, 'the timeout fired')
    assert.match(e.message, /did not answer within 300 ms/)
    for (const b of ['malformed', 'huge']) {
      reset()
      cloud.behaviour[service] = b
      const m = await failure(make()(), 'ECREDENTIALS')
      assert.match(m.message, b === 'huge' ? /larger than 64 KiB/ : /answer/)
    }
  }
  reset()
  const dead = await failure(aws({ endpoint: 'http://127.0.0.1:9/' })(), 'ECREDENTIALS')
  assert.match(dead.message, /could not be reached/)
})

test('keyless: unusable options are EINVAL before anything is sent (https required but for loopback)', async () => {
  reset()
  assert.throws(() => awsWebIdentityCredentials({ region: 'eu-west-1', token: OIDC }), { code: 'EINVAL' })
  await failure(aws({ endpoint: 'http://sts.example.com/' })(), 'EINVAL')
  await failure(aws({ roleArn: 'edgepg-app' })(), 'EINVAL')
  await failure(aws({ durationSeconds: 60 })(), 'EINVAL')
  await failure(aws({ token: () => '' })(), 'EINVAL')
  await failure(aws({ token: () => { throw new Error('no file') } })(), 'EINVAL')
  await failure(gcp({ audience: 'projects/1/pools/x' })(), 'EINVAL').catch((e) => assert.equal(e.code, 'EINVAL'))
  await failure(azure({ tenantId: '../evil' })(), 'EINVAL')
  assert.equal(cloud.requests.length, 0)
})

test('Google: STS token exchange then generateAccessToken, field by field; the token logs in as a password', async () => {
  reset()
  const svc = await getServices()
  cloud.fixedAccessToken = ROLES.cleartext.password // the database takes the access token as the password
  const password = gcp({ serviceAccount: SA })
  const client = new Client(clientConfig(svc, 'cleartext', { password, requireAuth: 'password' }))
  await client.connect()
  assert.equal((await client.query('select current_user as u')).rows[0].u, ROLES.cleartext.user)
  await client.end()

  assert.equal(cloud.requests.length, 2)
  const [sts, iam] = cloud.requests
  assert.equal(sts.method, 'POST')
  assert.equal(sts.path, '/google/v1/token')
  assert.deepEqual(sts.form, { grant_type: 'urn:ietf:params:oauth:grant-type:token-exchange', audience: AUDIENCE,
    scope: 'https://www.googleapis.com/auth/cloud-platform',
    requested_token_type: 'urn:ietf:params:oauth:token-type:access_token', subject_token: OIDC,
    subject_token_type: 'urn:ietf:params:oauth:token-type:jwt' })
  assert.equal(iam.path, `/iam/v1/projects/-/serviceAccounts/${SA}:generateAccessToken`)
  assert.equal(iam.headers.authorization, 'Bearer ' + cloud.issued.find((i) => i.token?.startsWith('ya29.d.')).token)
  assert.deepEqual(JSON.parse(iam.body), { scope: ['https://www.googleapis.com/auth/sqlservice.login'], lifetime: '3600s' })

  reset()
  const direct = await gcp({ scopes: ['https://www.googleapis.com/auth/sqlservice.login'] })()
  assert.equal(cloud.requests.length, 1, 'no impersonation: the federated token itself')
  assert.equal(cloud.requests[0].form.scope, 'https://www.googleapis.com/auth/sqlservice.login')
  assert.equal(direct, cloud.issued.at(-1).token)
})

test('Google: documented errors of both steps are ECREDENTIALS with the code and what to check', async () => {
  for (const [code, advice] of [['invalid_grant', /attribute mapping/], ['invalid_target', /workloadIdentityPools/],
    ['unauthorized_client', /attribute condition/]]) {
    reset()
    cloud.behaviour.gcpSts = { status: 400, code, message: `Rejected token ${OIDC}` }
    const e = await failure(gcp({ serviceAccount: SA })(), 'ECREDENTIALS')
    assert.equal(e.detail, code)
    assert.match(e.message, advice)
  }
  reset()
  cloud.behaviour.gcpIam = { status: 403, code: 'PERMISSION_DENIED',
    message: "Permission 'iam.serviceAccounts.getAccessToken' denied on resource (or it may not exist)." }
  const e = await failure(gcp({ serviceAccount: SA })(), 'ECREDENTIALS')
  assert.equal(e.detail, 'PERMISSION_DENIED')
  assert.match(e.message, /workloadIdentityUser/)
  assert.match(e.message, /getAccessToken' denied/)
})

test('Azure: the federated client assertion, field by field; AADSTS errors with advice; the token logs in as a password', async () => {
  reset()
  const svc = await getServices()
  cloud.fixedAccessToken = ROLES.cleartext.password
  const client = new Client(clientConfig(svc, 'cleartext', { password: azure(), requireAuth: 'password' }))
  await client.connect()
  assert.equal((await client.query('select 1 as one')).rows[0].one, 1)
  await client.end()
  const r = cloud.requests[0]
  assert.equal(r.method, 'POST')
  assert.equal(r.path, '/entra/72f988bf-86f1-41af-91ab-2d7cd011db47/oauth2/v2.0/token')
  assert.deepEqual(r.form, { client_id: '0fd1ad3c-1111-2222-3333-444455556666',
    scope: 'https://ossrdbms-aad.database.windows.net/.default',
    client_assertion_type: 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer', client_assertion: OIDC,
    grant_type: 'client_credentials' })

  for (const [number, code, advice] of [[70021, 'invalid_client', /federated credential/],
    [700213, 'invalid_client', /subject/], [700016, 'unauthorized_client', /clientId and tenantId/],
    [90002, 'invalid_request', /tenantId/]]) {
    reset()
    cloud.behaviour.entra = { status: 400, code, number, message: `Assertion ${OIDC} refused.` }
    const e = await failure(azure()(), 'ECREDENTIALS')
    assert.equal(e.detail, 'AADSTS' + number)
    assert.match(e.message, advice)
    assert.doesNotMatch(e.message, /Trace ID|Correlation ID/)
  }
})

test('vercelOidcToken: the request header, else VERCEL_OIDC_TOKEN, else EINVAL saying how to get one', () => {
  const saved = process.env.VERCEL_OIDC_TOKEN
  try {
    delete process.env.VERCEL_OIDC_TOKEN
    assert.equal(vercelOidcToken(new Request('https://x', { headers: { 'x-vercel-oidc-token': 'from-header' } })), 'from-header')
    assert.equal(vercelOidcToken({ headers: { 'x-vercel-oidc-token': 'plain' } }), 'plain')
    assert.throws(() => vercelOidcToken(), { code: 'EINVAL', message: /enable OIDC federation/ })
    process.env.VERCEL_OIDC_TOKEN = 'from-env'
    assert.equal(vercelOidcToken(new Request('https://x')), 'from-env')
  } finally {
    if (saved === undefined) delete process.env.VERCEL_OIDC_TOKEN
    else process.env.VERCEL_OIDC_TOKEN = saved
  }
})
