// A Cloudflare Worker querying PostgreSQL through edgepg. Bindings: DATABASE_URL (a secret:
// `wrangler secret put DATABASE_URL`) and EDGEPG_WS_URL (the WebSocket proxy in front of PostgreSQL).
// workerd has a global WebSocket; where `new WebSocket(url)` is unavailable edgepg upgrades through fetch().
import { Client } from 'edgepg'

export default {
  async fetch(request, env) {
    const n = Number(new URL(request.url).searchParams.get('n') ?? 3)
    const client = new Client({ connectionString: env.DATABASE_URL, webSocketUrl: env.EDGEPG_WS_URL })
    await client.connect()
    try {
      const { rows } = await client.query('select n, n * n as square from generate_series(1, $1::int) as n', [n])
      const { rows: [server] } = await client.query('select current_user as "user", current_setting($1) as version', ['server_version'])
      return Response.json({ runtime: 'workerd', rows, server })
    } finally {
      await client.end()
    }
  },
}
