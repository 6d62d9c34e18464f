// Node.js 20: no global WebSocket, so pass the `ws` package's (npm install edgepg ws).
// Env: DATABASE_URL=postgres://user:password@host:5432/db, EDGEPG_WS_URL=wss://proxy.example.com/v1?address=host:5432
import { Client } from 'edgepg'
import { WebSocket } from 'ws'

const client = new Client({
  connectionString: process.env.DATABASE_URL,
  webSocketUrl: process.env.EDGEPG_WS_URL,
  webSocketConstructor: WebSocket,
})
await client.connect()
try {
  const { rows } = await client.query('select n, n * n as square from generate_series(1, $1::int) as n', [3])
  const { rows: [server] } = await client.query('select current_user as "user", current_setting($1) as version', ['server_version'])
  console.log(JSON.stringify({ runtime: 'node', rows, server }))
} finally {
  await client.end()
}
