// `npm run demo`: queries a real PostgreSQL through a WebSocket proxy from edgepg's wasm core, and prints rows.
// scripts/with-services.js started the database and the proxy and describes them in EDGEPG_TEST_SERVICES.
import { WebSocket } from 'ws'
import { Client } from 'edgepg'
import { ROLES } from '../../tests/support/services.js'

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
