// Secrets never leak through failures: across the fault paths (dropped, corrupted, oversized, closed, silent,
// refused, terminated), a wrong password, a server that cannot finish SCRAM, an RDS IAM token used as password and
// a rejected JWT, no password, SCRAM proof or derived key, AWS secret key, token or signature appears in an error's
// message, toString(), JSON.stringify(), stack, util.inspect, in a Pool 'error' event, or in console output.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { createHash, createHmac, pbkdf2Sync, randomBytes } from 'node:crypto'
import { WebSocket } from 'ws'
import { Client, Pool, EdgepgError, rdsAuthToken, rdsIamPassword, verifyJwt } from 'edgepg'
import { getServices, clientConfig } from '../support/env.js'
import { startWebsockify, stopChild, psql } from '../support/services.js'
import { TcpFaultProxy, WsFaultProxy, deadPort } from '../faults/fault-proxy.js'
import { FakeScramServer } from '../faults/fake-scram-server.js'
import { processErrorRecorder, expectEdgepgError, assertNoSecrets, captureOutput } from '../faults/harness.js'

const USER = 'secrets_user'
const PASSWORD = 'Zq7-pw-' + randomBytes(9).toString('base64url') // a SCRAM role's password, unique per run
const AWS_SECRET = 'wJalrXUtnFEMI/K7MDENG/' + randomBytes(12).toString('base64url')
const TIMEOUT = 3000

let svc, tcp, websockify, wsProxy, recorder
const secrets = new Set([PASSWORD, AWS_SECRET, encodeURIComponent(PASSWORD)])
const errors = [] // every error met, checked at the end too

before(async () => {
  svc = await getServices()
  psql(svc, `drop role if exists ${USER}`, `create role ${USER} login password '${PASSWORD}'`)
  tcp = await new TcpFaultProxy(svc.pgPort).start()
  tcp.recording = true
  websockify = await startWebsockify(tcp.port)
  wsProxy = await new WsFaultProxy(`ws://127.0.0.1:${websockify.wsPort}`).start()
  recorder = processErrorRecorder()
})

after(async () => {
  recorder?.dispose()
  await wsProxy?.stop()
  stopChild(websockify?.child)
  await tcp?.stop()
  try {
    psql(svc, `drop role if exists ${USER}`)
  } catch {}
})

function config(extra = {}) {
  return clientConfig(svc, 'scram', {
    user: USER,
    password: PASSWORD,
    webSocketUrl: wsProxy.url(`/v1?address=127.0.0.1:${tcp.port}`),
    webSocketConstructor: WebSocket,
    connectionTimeoutMillis: TIMEOUT,
    ...extra,
  })
}

// The SCRAM proofs and keys of every login that went through the TCP proxy, in the forms they could leak in.
function scramSecretsSeen() {
  const text = Buffer.concat(tcp.clientBytes).toString('latin1')
  for (const m of text.matchAll(/c=biws,r=[!-+\--~]+,p=([A-Za-z0-9+/=]+)/g)) secrets.add(m[1])
  for (const m of text.matchAll(/s=([A-Za-z0-9+/=]+),i=(\d+)/g)) addKeys(PASSWORD, Buffer.from(m[1], 'base64'), Number(m[2]))
}

function addKeys(password, salt, iterations) {
  const salted = pbkdf2Sync(password, salt, iterations, 32, 'sha256')
  const clientKey = createHmac('sha256', salted).update('Client Key').digest()
  const serverKey = createHmac('sha256', salted).update('Server Key').digest()
  const storedKey = createHash('sha256').update(clientKey).digest()
  for (const k of [salted, clientKey, serverKey, storedKey]) {
    secrets.add(k.toString('base64'))
    secrets.add(k.toString('hex'))
  }
}

function check(err, label) {
  errors.push([label, err])
  assert.ok(err instanceof EdgepgError, `${label}: ${err}`)
  assertNoSecrets(err, [...secrets], label)
}

test('no secret in errors or output across the fault paths', { timeout: 60000 }, async () => {
  const { lines } = await captureOutput(async () => {
    // Each scenario: a fault, the error it gives, checked. A pool logs its idle clients' errors as events.
    const pool = new Pool({ ...config(), max: 1 })
    pool.on('error', (e) => check(e, 'pool error event'))
    await pool.query('select 1') // a real SCRAM login through the recording proxy
    const scenarios = [
      ['drop mid-result', () => tcp.arm({ kind: 'drop-mid-result', trigger: 's_drop', afterRows: 5 }), "select g from generate_series(1, 100000) g -- s_drop", 'ECONNCLOSED'],
      ['corrupt', () => tcp.arm({ kind: 'corrupt', trigger: 's_corrupt' }), 'select 1 -- s_corrupt', 'EPROTO'],
      ['2 GiB', () => tcp.arm({ kind: 'length-2gib', trigger: 's_2gib' }), 'select 1 -- s_2gib', 'EPROTO'],
      ['close 1011', () => wsProxy.arm({ kind: 'close', code: 1011, trigger: 's_1011' }), 'select pg_sleep(5) -- s_1011', 'ECONNCLOSED'],
      ['close 1001', () => wsProxy.arm({ kind: 'close', code: 1001, trigger: 's_1001' }), 'select pg_sleep(5) -- s_1001', 'ECONNCLOSED'],
      ['abrupt', () => wsProxy.arm({ kind: 'abrupt', trigger: 's_abrupt' }), 'select pg_sleep(5) -- s_abrupt', 'ECONNCLOSED'],
    ]
    for (const [label, arm, sql, code] of scenarios) {
      arm()
      const err = await expectEdgepgError(pool.query(sql), code, TIMEOUT, label)
      check(err, label)
      tcp.disarm()
      wsProxy.disarm()
      console.error(err) // what an app's error log would show
      console.log(String(err), JSON.stringify(err))
    }
    // pg_terminate_backend on the session.
    const pid = (await pool.query('select pg_backend_pid() as pid')).rows[0].pid
    const pending = pool.query('select pg_sleep(10)')
    await new Promise((r) => setTimeout(r, 200))
    psql(svc, `select pg_terminate_backend(${pid})`)
    check(await expectEdgepgError(pending, '57P01', TIMEOUT, 'terminate'), 'terminate')
    await pool.end()

    // Silent at login: ETIMEDOUT; no proxy at all: ECONNREFUSED.
    tcp.arm({ kind: 'blackhole' })
    const c1 = new Client(config({ connectionTimeoutMillis: 300 }))
    check(await expectEdgepgError(c1.connect(), 'ETIMEDOUT', 300, 'blackhole'), 'blackhole')
    tcp.disarm()
    await c1.end()
    const dead = await deadPort()
    const c2 = new Client(config({ connectionString: `postgres://${USER}:${encodeURIComponent(PASSWORD)}@127.0.0.1:${svc.pgPort}/edgepg_test`, password: undefined, user: undefined, webSocketUrl: `ws://127.0.0.1:${dead}/v1?password=${encodeURIComponent(PASSWORD)}` }))
    check(await expectEdgepgError(c2.connect(), 'ECONNREFUSED', 1000, 'refused'), 'refused')
    await c2.end()

    // A wrong password (the right one with a character more): the server's 28P01.
    const c3 = new Client(config({ password: PASSWORD + 'x' }))
    secrets.add(PASSWORD + 'x')
    check(await expectEdgepgError(c3.connect(), '28P01', TIMEOUT, 'wrong password'), 'wrong password')
    await c3.end()
    // A password provider that fails: its error is reported, the password of the config is not.
    const c4 = new Client(config({ password: async () => { throw new Error('vault unreachable') } }))
    check(await expectEdgepgError(c4.connect(), 'EAUTH', TIMEOUT, 'provider'), 'provider')
    await c4.end()
    // A query after the connection died names the first error, still without secrets.
    const c5 = new Client(config())
    await c5.connect()
    tcp.arm({ kind: 'corrupt', trigger: 's_after' })
    check(await expectEdgepgError(c5.query('select 1 -- s_after'), 'EPROTO', TIMEOUT, 'first'), 'first')
    check(await expectEdgepgError(c5.query('select 2'), 'ECONNCLOSED', 500, 'after'), 'after')
    await c5.end()
    scramSecretsSeen()
  })
  assert.ok(secrets.size > 8, 'the SCRAM proofs of the logins were collected')
  for (const [label, err] of errors) assertNoSecrets(err, [...secrets], label) // proofs now known: check again
  for (const line of lines) for (const s of secrets) assert.ok(!line.includes(s), `a secret in console output: ${line.slice(0, 200)}`)
  await recorder.assertClean()
})

test('a server that cannot finish SCRAM: EAUTH, and neither the proof nor the keys show', { timeout: 30000 }, async () => {
  for (const mode of ['bad-signature', 'skip-final', 'server-error']) {
    const fake = await new FakeScramServer(mode).start()
    try {
      const { lines } = await captureOutput(async () => {
        const client = new Client(config({ webSocketUrl: fake.url() }))
        const err = await expectEdgepgError(client.connect(), 'EAUTH', TIMEOUT, mode)
        console.error(err)
        await client.end()
        return err
      }).then(({ result, lines }) => {
        const ex = fake.exchanges[0]
        assert.ok(ex?.proof, `${mode}: the client sent its proof`)
        secrets.add(ex.proof)
        addKeys(PASSWORD, fake.salt, fake.iterations)
        check(result, mode)
        assert.match(result.message, mode === 'server-error' ? /invalid-proof/ : /prove|signature/)
        return { lines }
      })
      for (const line of lines) for (const s of secrets) assert.ok(!line.includes(s), `${mode}: a secret in console output`)
    } finally {
      await fake.stop()
    }
  }
  await recorder.assertClean()
})

test('an RDS IAM token as password: the AWS secret key and the token never show', { timeout: 30000 }, async () => {
  const now = Date.UTC(2026, 0, 1)
  const opts = { hostname: '127.0.0.1', port: svc.pgPort, username: USER, region: 'us-east-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: AWS_SECRET } }
  const token = await rdsAuthToken({ ...opts, now })
  secrets.add(token)
  secrets.add(new URL('https://' + token).searchParams.get('X-Amz-Signature'))
  const { lines } = await captureOutput(async () => {
    const client = new Client(config({ password: rdsIamPassword({ ...opts, clock: () => now }) }))
    const err = await expectEdgepgError(client.connect(), '28P01', TIMEOUT, 'rds token refused')
    console.error(err)
    check(err, 'rds')
    await client.end()
    // Bad options: EINVAL without the secret.
    await assert.rejects(rdsAuthToken({ ...opts, hostname: '' }), (e) => (check(e, 'rds einval'), true))
  })
  for (const line of lines) for (const s of secrets) assert.ok(!line.includes(s), 'a secret in console output')
})

test('a rejected JWT: neither the token, its signature nor the secret show', { timeout: 30000 }, async () => {
  const secret = 'Zq7-jwt-secret-' + randomBytes(16).toString('hex')
  const b64 = (o) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const input = b64({ alg: 'HS256', typ: 'JWT' }) + '.' + b64({ sub: 'user-1', exp: 1 })
  const signature = createHmac('sha256', secret).update(input).digest('base64url')
  const expired = input + '.' + signature
  const forged = input + '.' + createHmac('sha256', 'another-secret-of-32-bytes-at-least!').update(input).digest('base64url')
  for (const s of [secret, expired, signature, forged, forged.split('.')[2]]) secrets.add(s)
  const cases = [[expired, 'ERR_JWT_EXPIRED'], [forged, 'ERR_JWT_SIGNATURE'], ['not.a.token' + signature, 'ERR_JWT_MALFORMED']]
  for (const [token, code] of cases) {
    await assert.rejects(verifyJwt(token, { secret: new TextEncoder().encode(secret), algorithms: ['HS256'] }), (e) => {
      check(e, code)
      assert.equal(e.code, code)
      return true
    })
  }
})
