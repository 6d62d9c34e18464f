// The same query on the Node.js runtime (Next's default). Node 20 has no global WebSocket: pass the `ws` package's
// (on Node 22+ `webSocketConstructor` can be left out).
import { Client } from 'edgepg'
import { WebSocket } from 'ws'

export const runtime = 'nodejs'
export const dynamic = 'force-dynamic'

export async function GET(request) {
  const limit = Number(new URL(request.url).searchParams.get('n') ?? 3)
  const client = new Client({
    connectionString: process.env.DATABASE_URL,
    webSocketUrl: process.env.EDGEPG_WS_URL,
    webSocketConstructor: WebSocket,
  })
  await client.connect()
  try {
    const { rows } = await client.query('select n, n * n as square from generate_series(1, $1::int) as n', [limit])
    const { rows: [server] } = await client.query('select current_user as "user", current_setting($1) as version', ['server_version'])
    return Response.json({ runtime: 'nodejs', rows, server })
  } finally {
    await client.end()
  }
}
