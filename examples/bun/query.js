// Bun: a global WebSocket and the `bun` export condition (bun add edgepg; bun run query.js).
// Env: DATABASE_URL=postgres://user:password@host:5432/db, EDGEPG_WS_URL=wss://proxy.example.com/v1?address=host:5432
import { Client } from 'edgepg'

const client = new Client({ connectionString: process.env.DATABASE_URL, webSocketUrl: process.env.EDGEPG_WS_URL })
await client.connect()
try {
  const { rows } = await client.query('select n, n * n as square from generate_series(1, $1::int) as n', [3])
  const { rows: [server] } = await client.query('select current_user as "user", current_setting($1) as version', ['server_version'])
  console.log(JSON.stringify({ runtime: 'bun', rows, server, entry: import.meta.resolve('edgepg') }))
} finally {
  await client.end()
}
