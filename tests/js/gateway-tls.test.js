// edgepg-gateway's TLS listeners (listen.tls): the postgres listener answers SSLRequest with 'S' and speaks TLS
// (libpq's sslmode=verify-full, node-postgres with a CA, PostgreSQL 17's direct TLS with ALPN "postgresql"); the
// websocket listener is wss:// only, for edgepg's client and Neon's driver. A client that trusts another CA gets
// nothing; a broken handshake costs the gateway one connection, and the token never travels in the clear.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import net from 'node:net'
import tls from 'node:tls'
import { promisify } from 'node:util'
import pg from 'pg'
import { WebSocket } from 'ws'
import { Client as NeonClient, neonConfig } from '@neondatabase/serverless'
import { Client } from 'edgepg'
import { getServices } from '../support/env.js'
import { DATABASE, GATEWAY_BIN, prepareDatabase, startGateway, token } from '../support/gateway.js'
import { makeCertificates } from '../support/tls-certs.js'

const run = promisify(execFile)
let svc, gw, certs

before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
  certs = makeCertificates()
  gw = await startGateway(svc, { tlsFiles: { cert_file: certs.certFile, key_file: certs.keyFile } })
})
after(async () => {
  await gw?.stop()
})

const whoSql = "select current_user as u, edgepg.sub() as sub"

// A StartupMessage (protocol 3.0) for user/database.
function startupMessage(user, database) {
  const body = Buffer.concat([Buffer.from([0, 3, 0, 0]), Buffer.from(`user\0${user}\0database\0${database}\0\0`)])
  const len = Buffer.alloc(4)
  len.writeUInt32BE(body.length + 4)
  return Buffer.concat([len, body])
}

// The first message the server sends back on a socket: [type, body].
function firstMessage(socket) {
  return new Promise((resolve, reject) => {
    let buf = Buffer.alloc(0)
    socket.on('data', (d) => {
      buf = Buffer.concat([buf, d])
      if (buf.length >= 5 && buf.length >= 1 + buf.readUInt32BE(1)) resolve([String.fromCharCode(buf[0]), buf.subarray(5, 1 + buf.readUInt32BE(1))])
    })
    socket.on('error', reject)
    socket.on('close', () => resolve(['closed', buf]))
  })
}

test('psql with sslmode=verify-full against the test CA: a TLS session, the token as password, the mapped role', async () => {
  const tok = await token({ sub: 'alice', role: 'gw_user' })
  const conn = `host=localhost port=${gw.postgres} user=gw_user dbname=${DATABASE} sslmode=verify-full sslrootcert=${certs.caFile}`
  const { stdout } = await run('psql', [conn, '-XAt', '-c', '\\conninfo', '-c', whoSql], { env: { ...process.env, PGPASSWORD: tok } })
  assert.match(stdout, /SSL connection \(protocol: TLSv1\.[23]/)
  assert.match(stdout, /^gw_user\|alice$/m)
  // A client that trusts another CA stops at the certificate, before sending the token.
  await assert.rejects(
    run('psql', [conn.replace(certs.caFile, certs.wrongCaFile), '-XAt', '-c', 'select 1'], { env: { ...process.env, PGPASSWORD: tok } }),
    (e) => /certificate verify failed/.test(e.stderr))
})

test('node-postgres with ssl: the certificate checked against the CA and the host name', async () => {
  const tok = await token({ sub: 'bob', role: 'gw_user' })
  const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE, password: tok,
    ssl: { ca: certs.ca, servername: 'localhost' } })
  await c.connect()
  assert.deepEqual((await c.query(whoSql)).rows[0], { u: 'gw_user', sub: 'bob' })
  assert.equal(c.connection.stream.encrypted, true)
  await c.end()
  const wrong = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE, password: tok,
    ssl: { ca: certs.wrongCa, servername: 'localhost' } })
  await assert.rejects(wrong.connect(), /self.signed|unable to verify|certificate/i)
})

test('direct TLS (PostgreSQL 17 sslnegotiation=direct): ALPN "postgresql" is served, a ClientHello without it refused', async () => {
  const direct = (ALPNProtocols) => tls.connect({ host: '127.0.0.1', port: gw.postgres, ca: certs.ca, servername: 'localhost', ALPNProtocols })
  const ok = direct(['postgresql'])
  await new Promise((resolve, reject) => ok.once('secureConnect', resolve).once('error', reject))
  assert.equal(ok.alpnProtocol, 'postgresql')
  ok.write(startupMessage('gw_user', DATABASE))
  const [type, body] = await firstMessage(ok)
  assert.equal(type, 'R')
  assert.equal(body.readUInt32BE(0), 3)  // AuthenticationCleartextPassword: the token is asked for, under TLS
  ok.destroy()

  const bare = direct(undefined)
  await new Promise((resolve, reject) => bare.once('secureConnect', resolve).once('error', reject))
  bare.write(startupMessage('gw_user', DATABASE))
  const [etype, ebody] = await firstMessage(bare)
  assert.equal(etype, 'E')
  assert.match(ebody.toString(), /C08P01/)
  assert.match(ebody.toString(), /ALPN protocol "postgresql"/)
  bare.destroy()
})

test("wss://: edgepg's client and Neon's driver through the websocket listener's TLS", async () => {
  const tok = await token({ sub: 'alice', role: 'gw_user' })
  const trusting = (ca) => class extends WebSocket {
    constructor(url, protocols) {
      super(url, protocols, { ca })
    }
  }
  const url = `wss://localhost:${gw.websocket}/v1?address=127.0.0.1:${svc.pgPort}`
  const c = new Client({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE, password: () => tok,
    requireAuth: 'password', sslmode: 'verify-full', webSocketUrl: url, webSocketConstructor: trusting(certs.ca) })
  await c.connect()
  assert.deepEqual((await c.query(whoSql)).rows[0], { u: 'gw_user', sub: 'alice' })
  await c.end()

  neonConfig.webSocketConstructor = trusting(certs.ca)
  neonConfig.wsProxy = (host, port) => `localhost:${gw.websocket}/v2?address=${host}:${port}`
  neonConfig.useSecureWebSocket = true
  neonConfig.pipelineTLS = false
  neonConfig.pipelineConnect = 'password'
  const n = new NeonClient({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE, password: tok })
  await n.connect()
  assert.deepEqual((await n.query(whoSql)).rows[0], { u: 'gw_user', sub: 'alice' })
  await n.end()

  // Trusting another CA: the WebSocket never opens, so the token is never sent.
  const w = new Client({ host: '127.0.0.1', port: svc.pgPort, user: 'gw_user', database: DATABASE, password: () => tok,
    requireAuth: 'password', webSocketUrl: url, webSocketConstructor: trusting(certs.wrongCa), connectionTimeoutMillis: 5000 })
  await assert.rejects(w.connect(), (e) => e.code !== undefined && !String(e.message).includes(tok))
})

test('the websocket listener is wss:// only, and a broken handshake costs one connection', async () => {
  // A plain HTTP upgrade to a TLS listener gets no answer in the clear.
  const plain = net.connect(gw.websocket, '127.0.0.1')
  await new Promise((r) => plain.once('connect', r))
  plain.write(`GET /v1 HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n`)
  const [kind, rest] = await firstMessage(plain)
  assert.ok(kind === 'closed' || kind === '\x15', `expected a TLS alert or a close, got ${JSON.stringify(kind)}`)
  assert.ok(!rest.toString().includes('HTTP/1.1 101'))
  plain.destroy()
  // Garbage where a ClientHello should be, on the postgres listener (direct-TLS byte first).
  const junk = net.connect(gw.postgres, '127.0.0.1')
  await new Promise((r) => junk.once('connect', r))
  junk.write(Buffer.concat([Buffer.from([0x16, 0x03, 0x01, 0x00, 0x05]), Buffer.from('hello')]))
  const [alert] = await firstMessage(junk)
  assert.ok(alert === '\x15' || alert === 'closed')  // a TLS alert (unexpected_message), then the close
  // The gateway is still serving.
  const tok = await token({ sub: 'bob', role: 'gw_user' })
  const c = new pg.Client({ host: 'localhost', port: gw.postgres, user: 'gw_user', database: DATABASE, password: tok,
    ssl: { ca: certs.ca } })
  await c.connect()
  assert.equal((await c.query(whoSql)).rows[0].sub, 'bob')
  await c.end()
  assert.ok(gw.audit().some((e) => e.event === 'refused' && e.reason === 'tls_handshake'))
})

test('--check-config loads listen.tls: a key that does not belong to the certificate is named, never printed', async () => {
  const { writeFileSync, readFileSync } = await import('node:fs')
  const { join } = await import('node:path')
  const config = JSON.parse(readFileSync(join(gw.dir, 'gateway.json'), 'utf8'))
  config.listen.tls = { cert_file: certs.certFile, key_file: join(certs.dir, 'wrong-ca.key') }
  writeFileSync(join(gw.dir, 'bad-tls.json'), JSON.stringify(config))
  const failed = await run(GATEWAY_BIN, ['--check-config', join(gw.dir, 'bad-tls.json')]).then(() => null, (e) => e)
  assert.ok(failed, 'the check must fail')
  assert.match(failed.stderr, /listen\.tls: TLS: the private key ".*wrong-ca\.key" does not belong to the certificate/)
  assert.ok(!failed.stderr.includes(readFileSync(join(certs.dir, 'wrong-ca.key'), 'utf8').split('\n')[1]))
  const ok = await run(GATEWAY_BIN, ['--check-config', join(gw.dir, 'gateway.json')])
  assert.match(ok.stdout, /the configuration is valid/)
})
