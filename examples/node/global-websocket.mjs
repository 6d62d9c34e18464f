// Node.js 22+ (global WebSocket): no webSocketConstructor needed. Also the neon()-style tagged template.
// Env: DATABASE_URL=postgres://user:password@host:5432/db, EDGEPG_WS_URL=wss://proxy.example.com/v1?address=host:5432
import { neon } from 'edgepg'

const sql = neon(process.env.DATABASE_URL, { webSocketUrl: process.env.EDGEPG_WS_URL })
const limit = 3
const rows = await sql`select n, n * n as square from generate_series(1, ${limit}::int) as n`
const [server] = await sql`select current_user as "user", current_setting('server_version') as version`
console.log(JSON.stringify({ runtime: 'node', rows, server }))
await sql.end() // closes the pooled connections
