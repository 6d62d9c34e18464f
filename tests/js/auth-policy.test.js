// A hostile server behind a WebSocket tries to get what the user did not agree to send (the password in
// cleartext, an MD5 hash, a login without authentication) or to grow the client's memory without bound. Each
// case fails on a client that answers whatever the server asks.
import { test, after } from 'node:test'
import assert from 'node:assert/strict'
import { WebSocket } from 'ws'
import { Client, EdgepgError } from 'edgepg'
import { loadCore } from '../../wasm/src/core.js'
import { FakePgServer, wire } from '../faults/fake-pg-server.js'

const PASSWORD = 'Tr0ub4dor-user-secret'
const servers = []
after(() => Promise.all(servers.map((s) => s.stop())))

async function serve(script) {
  const s = await new FakePgServer(script).start()
  servers.push(s)
  return s
}

// Asks for `request` at startup; answers any password message with a login and ReadyForQuery.
function asking(request) {
  return (send, m) => {
    if (m === null) {
      send(request)
      if (request[1] === 0 && request.readInt32BE(5) === 0) send(wire.ready()) // AuthenticationOk: logged in
    } else if (m.type === 'p') send(Buffer.concat([wire.authOk(), wire.ready()]))
    else if (m.type === 'Q') send(Buffer.concat([wire.commandComplete('SELECT 0'), wire.ready()]))
  }
}

function config(server, extra = {}) {
  return {
    user: 'alice', password: PASSWORD, host: 'db.internal', database: 'app',
    webSocketUrl: server.url(), webSocketConstructor: WebSocket, connectionTimeoutMillis: 3000, ...extra,
  }
}

async function refused(client, code = 'EAUTH') {
  await assert.rejects(client.connect(), (e) => {
    assert.ok(e instanceof EdgepgError)
    assert.equal(e.code, code, e.message)
    assert.ok(!e.message.includes(PASSWORD))
    return true
  })
  await client.end()
}

const REQUESTS = { cleartext: wire.cleartext(), md5: wire.md5(), trust: wire.authOk() }

test('a configured password goes out through SCRAM only: cleartext, MD5 and trust servers are refused', async () => {
  for (const [name, request] of Object.entries(REQUESTS)) {
    const server = await serve(asking(request))
    await refused(new Client(config(server)))
    assert.equal(server.received.length, 0, `${name}: the client sent ${server.received.length} bytes after startup`)
    // The same with a password provider: it is not even called.
    let called = 0
    await refused(new Client(config(server, { password: () => (called++, PASSWORD) })))
    assert.equal(called, 0, `${name}: the password provider was called`)
  }
})

test("libpq's connection string of the report: channel_binding=require is refused before any byte is sent", async () => {
  const server = await serve(asking(wire.cleartext()))
  const cs = `postgres://alice:${PASSWORD}@db.internal/app?sslmode=verify-full&channel_binding=require&require_auth=scram-sha-256`
  assert.throws(() => new Client({ connectionString: cs, webSocketUrl: server.url(), webSocketConstructor: WebSocket }), (e) => {
    assert.equal(e.code, 'EINVAL')
    assert.match(e.message, /channel_binding=require/)
    assert.ok(!e.message.includes(PASSWORD))
    return true
  })
  // Without channel_binding, require_auth=scram-sha-256 from the string holds against a cleartext request, and
  // sslmode=verify-full refuses a ws:// URL.
  const noCb = cs.replace('&channel_binding=require', '')
  await refused(new Client({ connectionString: noCb, webSocketUrl: server.url(), webSocketConstructor: WebSocket }), 'EINVAL')
  await refused(new Client({ connectionString: noCb.replace('verify-full', 'disable'), webSocketUrl: server.url(), webSocketConstructor: WebSocket }))
  assert.equal(server.received.length, 0)
  assert.equal(server.startups, 1) // the sslmode refusal opened no socket
})

test('requireAuth asks for the weaker methods explicitly, as RDS IAM tokens and the gateway need', async () => {
  for (const [name, request, requireAuth] of [['cleartext', wire.cleartext(), 'password'], ['md5', wire.md5(), 'md5'],
    ['trust', wire.authOk(), 'none'], ['cleartext (list)', wire.cleartext(), ['scram-sha-256', 'password']],
    ['md5 (negated)', wire.md5(), '!password']]) {
    const server = await serve(asking(request))
    const c = new Client(config(server, { requireAuth }))
    await c.connect()
    assert.equal((await c.query('select 1')).command, 'SELECT', name)
    await c.end()
    if (name.startsWith('cleartext')) assert.ok(server.received.includes(Buffer.from(PASSWORD + '\0')), name)
  }
  // '!password' still refuses cleartext.
  const server = await serve(asking(wire.cleartext()))
  await refused(new Client(config(server, { requireAuth: '!password' })))
  assert.equal(server.received.length, 0)
})

test('no password configured: any method (libpq\'s default); a bad requireAuth is EINVAL', async () => {
  const server = await serve(asking(wire.authOk()))
  const c = new Client(config(server, { password: undefined }))
  await c.connect()
  await c.end()
  await refused(new Client(config(server, { requireAuth: 'cleartext' })), 'EINVAL')
})

test('connection strings: unknown parameters and smuggled hosts are EINVAL, never silently dropped', () => {
  const bad = [
    'postgres://u:p@db.internal/app?sslrootcert=/etc/ca.pem',
    'postgres://u:p@db.internal/app?target_session_attrs=read-write',
    'postgres://u:p@db.internal/app?sslmode=maybe',
    'postgres://u:p@evil.test%2F.db.internal/app',
    'postgres://u:p@evil.test%3F.db.internal/app',
    'postgres://u:p@evil.test%23.db.internal/app',
    'postgres://u:p@a%40evil.test/app',
    'postgres://u:p@evil%2520.db.internal/app',
    'postgres://u:p@evil%20x.db.internal/app',
  ]
  for (const cs of bad) assert.throws(() => new Client(cs), (e) => e.code === 'EINVAL' && !e.message.includes(':p@'), cs)
  for (const host of ['evil.test/.db.internal', 'evil.test:443', 'a b', '[::1]x']) {
    assert.throws(() => new Client({ user: 'u', host }), (e) => e.code === 'EINVAL', host)
  }
  // What an application's endsWith('.db.internal') check sees is where the socket goes.
  const ok = new Client('postgres://u:p@replica.db.internal/app?sslmode=require&require_auth=password&channel_binding=disable')
  assert.equal(ok.host, 'replica.db.internal')
  assert.equal(new Client({ user: 'u', host: '[::1]' }).host, '[::1]')
})

// Logged in (no password, trust), then the script's flood.
async function floodClient(flood) {
  const server = await serve((send, m) => {
    if (m === null) send(Buffer.concat([wire.authOk(), wire.ready()]))
    else if (m.type === 'Q') {
      flood(send)
      send(Buffer.concat([wire.commandComplete('SELECT 0'), wire.ready()]))
    }
  })
  const c = new Client(config(server, { password: undefined }))
  await c.connect()
  return c
}

test('200,000 notifications nobody listens for are dropped in the core (the heap holds only the message); a listener gets them all', async () => {
  const core = await loadCore()
  const one = wire.notification(42, 'ch', 'payload-' + 'x'.repeat(64))
  const flood = Buffer.concat(Array.from({ length: 200_000 }, () => one)) // one WebSocket message of 18 MB
  const c = await floodClient((send) => send(flood))
  const before = core.HEAPU8.buffer.byteLength
  await c.query('select 1')
  // The message is copied into the wasm heap (request buffer) and into the parser's buffer; nothing else may grow
  // with it (decoding the notifications onto the event tape took another 2.5x before they were dropped).
  const grown = core.HEAPU8.buffer.byteLength - before
  assert.ok(grown <= flood.length * 2.1, `the wasm heap grew by ${grown} bytes for a ${flood.length}-byte message of notifications nobody listens to`)
  const seen = []
  c.on('notification', (n) => seen.push(n))
  await c.query('select 1') // the script sends 200,000 again
  await new Promise((r) => setTimeout(r, 10))
  assert.equal(seen.length, 200_000)
  assert.deepEqual({ ...seen[0] }, { processId: 42, channel: 'ch', payload: 'payload-' + 'x'.repeat(64) })
  await c.end()
})

test('a server cannot make the client keep unbounded ParameterStatus entries', async () => {
  const c = await floodClient((send) => {
    const parts = []
    for (let i = 0; i < 10_000; i++) parts.push(wire.parameterStatus('p' + i, 'v'))
    send(Buffer.concat(parts))
  })
  await assert.rejects(c.query('select 1'), (e) => e.code === 'EPROTO' && /ParameterStatus/.test(e.message))
  assert.ok(Object.keys(c.parameters).length <= 256)
  await c.end()
})

test('a SCRAM iteration count of 10 million is refused at once, not computed', async () => {
  const server = await serve((send, m) => {
    if (m === null) send(wire.sasl())
    else if (m.type === 'p') {
      const nonce = /r=([^,]*)/.exec(m.body.toString('latin1'))[1]
      send(wire.saslContinue(`r=${nonce}SERVER,s=${Buffer.from('salt-salt-salt!!').toString('base64')},i=10000000`))
    }
  })
  const started = Date.now()
  await refused(new Client(config(server)))
  assert.ok(Date.now() - started < 1000, `took ${Date.now() - started} ms`)
  await refused(new Client(config(server, { scramMaxIterations: 0 })), 'EINVAL')
})
