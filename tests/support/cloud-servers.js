// Local stand-ins for the cloud token services, on loopback, answering in their documented formats: AWS STS
// AssumeRoleWithWebIdentity (XML), the ECS container credentials endpoint and EC2 IMDSv2 (JSON), Google STS and IAM
// Credentials generateAccessToken, and the Entra ID token endpoint. Each records the requests it got (method, path,
// headers, parsed body) so tests check them field by field, and can be told to refuse with a documented error,
// answer malformed or oversized bodies, or never answer (timeouts).
import { createServer } from 'node:http'
import { randomBytes } from 'node:crypto'

const STS_NS = 'https://sts.amazonaws.com/doc/2011-06-15/'

function iso(ms) {
  return new Date(Math.floor(ms / 1000) * 1000).toISOString().replace('.000Z', 'Z')
}

function secret(n) {
  return randomBytes(n).toString('base64').slice(0, n)
}

export async function startCloudServer() {
  const server = {
    requests: [], // { service, method, path, headers, body (raw), form (parsed) }
    behaviour: {}, // service -> 'ok' | 'slow' | 'malformed' | 'huge' | 'redirect' | { status, code, message }
    validTokens: null, // a Set: tokens the identity provider accepts; null: any JWT-shaped token
    now: () => Date.now(),
    issued: [], // every credential or access token handed out
    fixedCredentials: null, // STS: hand out these { accessKeyId, secretAccessKey, sessionToken } instead of new ones
    credentialLifetime: null, // STS: seconds until Expiration instead of DurationSeconds
    fixedAccessToken: null, // Google (final token) and Entra: hand out this access token
    accessTokenLifetime: null, // Google and Entra: seconds until the access tokens expire instead of about an hour
    imdsToken: 'imds-session-' + secret(16).replace(/[+/=]/g, 'x'),
    containerAuthorization: 'Bearer container-auth-token',
    url: '',
    close: null,
  }
  const pending = new Set()

  const tokenOk = (t) => (server.validTokens ? server.validTokens.has(t) : /^eyJ[\w-]*\.[\w-]*\.[\w-]*$/.test(t ?? ''))

  const reply = (res, status, type, body) => {
    res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(body) })
    res.end(body)
  }

  // The special behaviours every service shares; true when one answered (or chose not to).
  const special = (service, res) => {
    const b = server.behaviour[service] ?? 'ok'
    if (b === 'slow') {
      pending.add(res)
      return true
    }
    if (b === 'malformed') {
      reply(res, 200, 'text/plain', service === 'sts' ? '<AssumeRoleWithWebIdentityResponse><oops' : '{"access_token": ')
      return true
    }
    if (b === 'redirect') {
      // A client that followed it would send the request (and its token) again, elsewhere.
      res.writeHead(302, { location: '/redirected' + service, 'content-length': 0 })
      res.end()
      return true
    }
    if (b === 'huge') {
      reply(res, 200, 'application/octet-stream', 'x'.repeat(100 * 1024))
      return true
    }
    return false
  }

  const stsError = (res, status, code, message) =>
    reply(res, status, 'text/xml', `<ErrorResponse xmlns="${STS_NS}"><Error><Type>Sender</Type><Code>${code}</Code>` +
      `<Message>${message}</Message></Error><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ErrorResponse>`)

  const sts = (req, res, form) => {
    if (special('sts', res)) return
    const b = server.behaviour.sts
    if (b && typeof b === 'object') return stsError(res, b.status, b.code, b.message ?? 'refused')
    if (form.Action !== 'AssumeRoleWithWebIdentity' || form.Version !== '2011-06-15') {
      return stsError(res, 400, 'InvalidAction', 'Could not find operation ' + form.Action)
    }
    for (const k of ['RoleArn', 'RoleSessionName', 'WebIdentityToken']) {
      if (!form[k]) return stsError(res, 400, 'ValidationError', `1 validation error detected: ${k} is required`)
    }
    if (!tokenOk(form.WebIdentityToken)) {
      // STS has been seen to quote parts of the token: a stand-in that echoes it proves edgepg does not.
      return stsError(res, 400, 'InvalidIdentityToken', `Couldn't verify the token ${form.WebIdentityToken}`)
    }
    const duration = server.credentialLifetime ?? Number(form.DurationSeconds ?? 3600)
    const creds = server.fixedCredentials ? { ...server.fixedCredentials, expiration: server.now() + duration * 1000 } : { accessKeyId: 'ASIA' + secret(16).toUpperCase().replace(/[^A-Z0-9]/g, 'Q'),
      secretAccessKey: secret(40), sessionToken: 'IQoJb3JpZ2luX2VjE' + secret(200), expiration: server.now() + duration * 1000 }
    server.issued.push(creds)
    const role = form.RoleArn.split('/').pop()
    reply(res, 200, 'text/xml', `<AssumeRoleWithWebIdentityResponse xmlns="${STS_NS}">
  <AssumeRoleWithWebIdentityResult>
    <SubjectFromWebIdentityToken>workload</SubjectFromWebIdentityToken>
    <Audience>sts.amazonaws.com</Audience>
    <AssumedRoleUser>
      <Arn>arn:aws:sts::123456789012:assumed-role/${role}/${form.RoleSessionName}</Arn>
      <AssumedRoleId>AROACLKWSDQRAOEXAMPLE:${form.RoleSessionName}</AssumedRoleId>
    </AssumedRoleUser>
    <Credentials>
      <SessionToken>${creds.sessionToken}</SessionToken>
      <SecretAccessKey>${creds.secretAccessKey}</SecretAccessKey>
      <Expiration>${iso(creds.expiration)}</Expiration>
      <AccessKeyId>${creds.accessKeyId}</AccessKeyId>
    </Credentials>
    <Provider>oidc.example.com</Provider>
  </AssumeRoleWithWebIdentityResult>
  <ResponseMetadata>
    <RequestId>ad4156e9-bce1-11e2-82e6-6b6efEXAMPLE</RequestId>
  </ResponseMetadata>
</AssumeRoleWithWebIdentityResponse>`)
  }

  const oauthError = (res, status, code, description, extra = {}) =>
    reply(res, status, 'application/json', JSON.stringify({ error: code, error_description: description, ...extra }))

  const googleSts = (req, res, form) => {
    if (special('gcpSts', res)) return
    const b = server.behaviour.gcpSts
    if (b && typeof b === 'object') return oauthError(res, b.status, b.code, b.message ?? 'refused')
    if (form.grant_type !== 'urn:ietf:params:oauth:grant-type:token-exchange') return oauthError(res, 400, 'unsupported_grant_type', 'grant_type')
    if (form.subject_token_type !== 'urn:ietf:params:oauth:token-type:jwt') return oauthError(res, 400, 'invalid_request', 'subject_token_type')
    if (!form.audience?.startsWith('//iam.googleapis.com/')) return oauthError(res, 400, 'invalid_target', 'The target service indicated by the "audience" parameters is invalid.')
    if (!tokenOk(form.subject_token)) return oauthError(res, 400, 'invalid_grant', `The audience in ID Token [${form.subject_token}] does not match the expected audience.`)
    const token = 'ya29.d.' + secret(60).replace(/[+/=]/g, '_')
    server.issued.push({ token, scope: form.scope })
    reply(res, 200, 'application/json', JSON.stringify({ access_token: token,
      issued_token_type: 'urn:ietf:params:oauth:token-type:access_token', token_type: 'Bearer', expires_in: server.accessTokenLifetime ?? 3599 }))
  }

  const googleIam = (req, res, path, body) => {
    if (special('gcpIam', res)) return
    const b = server.behaviour.gcpIam
    const denied = (status, st, message) =>
      reply(res, status, 'application/json', JSON.stringify({ error: { code: status, message, status: st } }))
    if (b && typeof b === 'object') return denied(b.status, b.code, b.message ?? 'refused')
    const fed = (req.headers.authorization ?? '').replace(/^Bearer /, '')
    if (!server.issued.some((i) => i.token === fed)) return denied(401, 'UNAUTHENTICATED', 'Request had invalid authentication credentials.')
    let json
    try {
      json = JSON.parse(body)
    } catch {
      return denied(400, 'INVALID_ARGUMENT', 'Invalid JSON payload received.')
    }
    const token = server.fixedAccessToken ?? 'ya29.c.' + secret(80).replace(/[+/=]/g, '_')
    const seconds = server.accessTokenLifetime ?? Number(String(json.lifetime ?? '3600s').replace(/s$/, ''))
    server.issued.push({ token, scope: json.scope, serviceAccount: decodeURIComponent(path.split('/serviceAccounts/')[1].split(':')[0]) })
    reply(res, 200, 'application/json', JSON.stringify({ accessToken: token, expireTime: new Date(server.now() + seconds * 1000).toISOString() }))
  }

  const entra = (req, res, form) => {
    if (special('entra', res)) return
    const b = server.behaviour.entra
    const aad = (status, code, number, text) =>
      oauthError(res, status, code, `AADSTS${number}: ${text}\r\nTrace ID: 5f1b\r\nCorrelation ID: 9a2c\r\nTimestamp: 2026-11-30 10:00:00Z`,
        { error_codes: [number], timestamp: '2026-11-30 10:00:00Z', trace_id: '5f1b', correlation_id: '9a2c' })
    if (b && typeof b === 'object') return aad(b.status, b.code, b.number, b.message ?? 'refused')
    if (form.grant_type !== 'client_credentials') return aad(400, 'unsupported_grant_type', 70003, 'grant_type')
    if (form.client_assertion_type !== 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer') return aad(400, 'invalid_request', 900144, 'client_assertion_type')
    if (!tokenOk(form.client_assertion)) return aad(400, 'invalid_client', 70021, `No matching federated identity record found for presented assertion ${form.client_assertion}.`)
    const token = server.fixedAccessToken ?? 'eyJ0eXAiOiJKV1QifQ.' + secret(120).replace(/[+/=]/g, '_') + '.sig'
    server.issued.push({ token, scope: form.scope })
    const lifetime = server.accessTokenLifetime ?? 3599
    reply(res, 200, 'application/json', JSON.stringify({ token_type: 'Bearer', expires_in: lifetime, ext_expires_in: lifetime, access_token: token }))
  }

  const awsJson = () => {
    const creds = { accessKeyId: 'ASIA' + secret(16).toUpperCase().replace(/[^A-Z0-9]/g, 'Q'),
      secretAccessKey: secret(40), sessionToken: secret(120), expiration: server.now() + 6 * 3600_000 }
    server.issued.push(creds)
    return JSON.stringify({ Code: 'Success', LastUpdated: iso(server.now()), Type: 'AWS-HMAC', AccessKeyId: creds.accessKeyId,
      SecretAccessKey: creds.secretAccessKey, Token: creds.sessionToken, Expiration: iso(creds.expiration) })
  }

  const ecs = (req, res) => {
    if (special('ecs', res)) return
    if (req.headers.authorization !== server.containerAuthorization) {
      return reply(res, 401, 'application/json', JSON.stringify({ code: 'AccessDeniedException', message: 'Authorization token is invalid' }))
    }
    reply(res, 200, 'application/json', awsJson())
  }

  const imds = (req, res, path) => {
    if (special('imds', res)) return
    if (path === '/imds/latest/api/token') {
      if (req.method !== 'PUT') return reply(res, 405, 'text/plain', '')
      const ttl = Number(req.headers['x-aws-ec2-metadata-token-ttl-seconds'])
      if (!(ttl >= 1 && ttl <= 21600)) return reply(res, 400, 'text/plain', '')
      return reply(res, 200, 'text/plain', server.imdsToken)
    }
    if (req.headers['x-aws-ec2-metadata-token'] !== server.imdsToken) return reply(res, 401, 'text/plain', '')
    if (path === '/imds/latest/meta-data/iam/security-credentials/') return reply(res, 200, 'text/plain', 'edgepg-instance-role')
    if (path === '/imds/latest/meta-data/iam/security-credentials/edgepg-instance-role') return reply(res, 200, 'text/plain', awsJson())
    reply(res, 404, 'text/plain', '')
  }

  const http = createServer((req, res) => {
    const chunks = []
    req.on('data', (c) => chunks.push(c))
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8')
      const path = new URL(req.url, 'http://x').pathname
      const form = Object.fromEntries(new URLSearchParams(body))
      const service = path.startsWith('/sts') ? 'sts' : path.startsWith('/google/') ? 'gcpSts' : path.startsWith('/iam/') ? 'gcpIam'
        : path.startsWith('/entra/') ? 'entra' : path.startsWith('/ecs/') ? 'ecs' : path.startsWith('/imds/') ? 'imds' : 'unknown'
      server.requests.push({ service, method: req.method, path, headers: req.headers, body, form })
      if (service === 'sts' && req.method === 'POST') return sts(req, res, form)
      if (service === 'gcpSts' && req.method === 'POST') return googleSts(req, res, form)
      if (service === 'gcpIam' && req.method === 'POST') return googleIam(req, res, path, body)
      if (service === 'entra' && req.method === 'POST') return entra(req, res, form)
      if (service === 'ecs') return ecs(req, res)
      if (service === 'imds') return imds(req, res, path)
      reply(res, 404, 'text/plain', 'not found')
    })
  })
  await new Promise((resolve) => http.listen(0, '127.0.0.1', resolve))
  server.url = `http://127.0.0.1:${http.address().port}`
  server.close = () => {
    for (const res of pending) res.destroy()
    http.closeAllConnections?.()
    return new Promise((resolve) => http.close(resolve))
  }
  return server
}
