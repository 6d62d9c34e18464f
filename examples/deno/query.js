// Deno: a global WebSocket and the `deno` export condition (the package installed in node_modules, used through
// deno.json's "nodeModulesDir": "manual"; deno run --allow-net --allow-env --allow-read query.js).
// Env: DATABASE_URL=postgres://user:password@host:5432/db, EDGEPG_WS_URL=wss://proxy.example.com/v1?address=host:5432,
// and optionally JWT + JWT_SECRET to verify a token (HS256) in the same process.
import { Client, verifyJwt } from 'edgepg'

const env = (name) => Deno.env.get(name)
const client = new Client({ connectionString: env('DATABASE_URL'), webSocketUrl: env('EDGEPG_WS_URL') })
await client.connect()
try {
  const { rows } = await client.query('select n, n * n as square from generate_series(1, $1::int) as n', [3])
  const { rows: [server] } = await client.query('select current_user as "user", current_setting($1) as version', ['server_version'])
  const claims = env('JWT') ? await verifyJwt(env('JWT'), { secret: env('JWT_SECRET'), algorithms: ['HS256'] }) : null
  console.log(JSON.stringify({ runtime: 'deno', rows, server, claims, entry: import.meta.resolve('edgepg') }))
} finally {
  await client.end()
}
