// edgepg in a browser page. The page gets its connection details from its own server (config.json): never ship
// a long-lived database password to browsers; hand out short-lived credentials (e.g. a token your server mints).
import { Client } from 'edgepg'

const out = document.getElementById('out')
try {
  const { connectionString, webSocketUrl } = await (await fetch('./config.json')).json()
  const client = new Client({ connectionString, webSocketUrl })
  await client.connect()
  try {
    const { rows } = await client.query('select n, n * n as square from generate_series(1, $1::int) as n', [3])
    const { rows: [server] } = await client.query('select current_user as "user", current_setting($1) as version', ['server_version'])
    out.textContent = JSON.stringify({ runtime: 'browser', rows, server })
  } finally {
    await client.end()
  }
  out.dataset.state = 'done'
} catch (e) {
  out.textContent = `${e.name}: ${e.code ?? ''} ${e.message}`
  out.dataset.state = 'error'
}
