// `npm run demo`: queries a real PostgreSQL through a WebSocket proxy from edgepg's wasm core, and prints rows.
// scripts/with-services.js started the database and the proxy and describes them in EDGEPG_TEST_SERVICES.
import { WebSocket } from 'ws'
import { Client, identityGate } from 'edgepg'
import { readFileSync } from 'node:fs'
import * as jose from 'jose'
import { ROLES, psql } from '../../tests/support/services.js'
import { makeNotesHandler } from '../rls/handler.js'

const svc = JSON.parse(process.env.EDGEPG_TEST_SERVICES)
const webSocketUrl = `ws://127.0.0.1:${svc.wsPort}/v1?address=127.0.0.1:${svc.pgPort}`
console.log(`PostgreSQL 15 on 127.0.0.1:${svc.pgPort}, websockify on ws://127.0.0.1:${svc.wsPort}`)

const client = new Client({
  connectionString: `postgres://${ROLES.scram.user}@127.0.0.1:${svc.pgPort}/edgepg_test`,
  password: async () => ROLES.scram.password, // a provider: called per new connection, never logged
  webSocketUrl,
  webSocketConstructor: WebSocket, // Node 20 has no global WebSocket; edge runtimes do
})
const t0 = performance.now()
await client.connect()
console.log(`connected with SCRAM-SHA-256 (server signature verified) in ${(performance.now() - t0).toFixed(1)} ms`)

await client.query('create temp table city (id int primary key, name text, population int, data jsonb)')
await client.query(
  'insert into city values ($1, $2, $3, $4), ($5, $6, $7, $8), ($9, $10, $11, $12)',
  [1, 'Zürich', 421878, { lake: true }, 2, 'São Paulo', 11451245, { lake: false }, 3, '東京', 13960000, null],
)
const { rows, fields } = await client.query('select id, name, population, data from city where population > $1 order by id', [400000])
console.log('fields:', fields.map((f) => `${f.name}:${f.dataTypeID}`).join(', '))
console.table(rows)

const { rows: [v] } = await client.query('select version() as version, current_user as user')
console.log(`${v.user} @ ${v.version.split(',')[0]}`)
await client.end()

// ---- Identity flows into PostgreSQL: verified tokens become roles, claims drive row-level security ----

console.log('\n== identity: JWT -> PostgreSQL role + request.jwt.claims -> row-level security (examples/rls)')
psql(svc, 'drop database if exists demo_rls', 'create database demo_rls')
psql({ ...svc, database: 'demo_rls' }, readFileSync(new URL('../rls/schema.sql', import.meta.url), 'utf8'))
psql(svc, "alter role authenticator password 'demo-authenticator-pw'")

const { publicKey, privateKey } = await jose.generateKeyPair('ES256')
const jwks = { keys: [{ ...(await jose.exportJWK(publicKey)), kid: 'demo-key', alg: 'ES256' }] }
const issuer = 'https://issuer.demo'
const sign = (claims, exp = '10m') =>
  new jose.SignJWT(claims).setProtectedHeader({ alg: 'ES256', kid: 'demo-key' }).setIssuer(issuer).setAudience('notes').setExpirationTime(exp).sign(privateKey)

const notes = makeNotesHandler({
  host: '127.0.0.1', port: svc.pgPort, user: 'authenticator', password: 'demo-authenticator-pw', database: 'demo_rls',
  webSocketUrl, webSocketConstructor: WebSocket,
  jwks, algorithms: ['ES256'], issuer, audience: 'notes',
})
async function call(label, token) {
  const headers = token ? { authorization: 'Bearer ' + token } : {}
  const res = await notes(new Request('https://edge.example/notes', { headers }))
  const body = await res.json()
  const shown = res.ok ? body.notes.map((n) => `#${n.id} ${n.owner}: ${n.body} (as ${n.as_role})`).join('; ') : `${body.error}: ${body.message}`
  console.log(`${label.padEnd(34)} -> HTTP ${res.status}  ${shown}`)
}
await call('alice (role app_user)', await sign({ sub: 'alice', role: 'app_user' }))
await call('bob (role app_user)', await sign({ sub: 'bob', role: 'app_user' }))
await call('no token (anonymous)', null)
await call('alice, expired token', await sign({ sub: 'alice', role: 'app_user' }, Math.floor(Date.now() / 1000) - 3600))
await call('mallory claims role "postgres"', await sign({ sub: 'mallory', role: 'postgres' }))
await notes.gate.end()

// ---- No secret at the edge: the same kind of handler through edgepg-gateway ----
// The edge function holds no database password and no key: identityGate's gateway mode forwards each request's
// bearer token; the gateway verifies it, logs in AS the mapped role with credentials only it holds, records the
// claims where SQL cannot forge them (edgepg.sub()), and writes an audit line per session.
console.log('\n== no secret at the edge: identityGate({ gateway }) -> edgepg-gateway -> PostgreSQL as the token\'s role')
const gateway = await import('../../tests/support/gateway.js')
gateway.prepareDatabase(svc)
const gw = await gateway.startGateway(svc)
console.log(`edgepg-gateway on ws://127.0.0.1:${gw.websocket} (the edge's only database setting is this URL)`)
const viaGateway = identityGate({ gateway: { webSocketUrl: gw.wsUrl(), host: '127.0.0.1', port: svc.pgPort,
  database: gateway.DATABASE, user: 'gw_user', webSocketConstructor: WebSocket } })
let seen = 0
async function callGateway(label, token) {
  const headers = token ? { authorization: 'Bearer ' + token } : {}
  const res = await viaGateway.handle(new Request('https://edge.example/secrets', { headers }), async (db) => {
    const { rows } = await db.query('select current_user as role, edgepg.sub() as sub, (select string_agg(body, \'; \') from secrets) as visible')
    return Response.json(rows[0])
  })
  const body = await res.json()
  const shown = res.ok ? `as ${body.role}, edgepg.sub() = ${body.sub}, sees: ${body.visible ?? '(nothing)'}` : `${body.error}: ${body.message}`
  console.log(`${label.padEnd(34)} -> HTTP ${res.status}  ${shown}`)
  // The gateway writes its lines as the session goes: wait for the first (up to 2 s), then briefly for its end.
  for (let i = 0; i < 40 && gw.audit().length <= seen; i++) await new Promise((resolve) => setTimeout(resolve, 50))
  await new Promise((resolve) => setTimeout(resolve, 50))
  const lines = gw.audit().slice(seen)
  seen += lines.length
  for (const l of lines) console.log(`${''.padEnd(37)}audit: ${l.event} sub=${l.sub ?? '-'} role=${l.role ?? '-'}${l.reason ? ' reason=' + l.reason : ''}`)
}
await callGateway('alice (role gw_user)', await gateway.token({ sub: 'alice', role: 'gw_user' }))
await callGateway('bob (role gw_user)', await gateway.token({ sub: 'bob', role: 'gw_user' }))
await callGateway('no token (gw_anon may not read it)', null)
await callGateway('alice, expired token', await gateway.token({ sub: 'alice', role: 'gw_user' }, { exp: Math.floor(Date.now() / 1000) - 3600 }))
await callGateway('mallory claims role "postgres"', await gateway.token({ sub: 'mallory', role: 'postgres' }))
await viaGateway.end()
await gw.stop()
