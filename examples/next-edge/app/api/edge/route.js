// A Next.js route handler on the edge runtime, querying PostgreSQL through edgepg.
// Env: DATABASE_URL (postgres://user:password@host:port/db) and EDGEPG_WS_URL (the WebSocket proxy, e.g.
// wss://proxy.example.com/v1?address=db.internal:5432). The edge runtime has a global WebSocket.
import { Client } from 'edgepg'

export const runtime = 'edge'
export const dynamic = 'force-dynamic'

export async function GET(request) {
  const limit = Number(new URL(request.url).searchParams.get('n') ?? 3)
  const client = new Client({ connectionString: process.env.DATABASE_URL, webSocketUrl: process.env.EDGEPG_WS_URL })
  await client.connect()
  try {
    const { rows } = await client.query('select n, n * n as square from generate_series(1, $1::int) as n', [limit])
    const { rows: [server] } = await client.query('select current_user as "user", current_setting($1) as version', ['server_version'])
    return Response.json({ runtime: 'edge', rows, server })
  } finally {
    await client.end()
  }
}
