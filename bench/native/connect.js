// The native face's connect path (bench/native/run.sh runs this inside scripts/with-services.js): a fresh
// connection + `select 1` + close, by libpq straight to PostgreSQL (SCRAM), by edgepg straight to PostgreSQL (SCRAM),
// and by edgepg through edgepg-gateway's PostgreSQL listener (the token as the password, warm backends). The three
// run in turns; each line appended to the samples file is "<who> connect <ms>".
import { execFileSync } from 'node:child_process'
import { appendFileSync } from 'node:fs'
import { join } from 'node:path'
import { getServices } from '../../tests/support/env.js'
import { DATABASE, ROLE_PASSWORDS, prepareDatabase, startGateway, token } from '../../tests/support/gateway.js'

const [benchDir, rounds = '50', turns = '3'] = process.argv.slice(2)
const svc = await getServices()
prepareDatabase(svc)
const gw = await startGateway(svc, { pool: { max: 4, min_idle: 2 } })
const tok = await token({ sub: 'bench', role: 'gw_user' }, { exp: '2h' })
const direct = `host=127.0.0.1 port=${svc.pgPort} user=gw_user password=${ROLE_PASSWORDS.gw_user} dbname=${DATABASE} sslmode=disable`
const viaGateway = `host=127.0.0.1 port=${gw.postgres} user=gw_user password=${tok} dbname=${DATABASE} sslmode=disable require_auth=password`
const runs = [
  ['libpq-direct', 'libpq_bench', direct],
  ['edgepg-direct', 'edgepg_bench', direct],
  ['edgepg-gateway', 'edgepg_bench', viaGateway],
]
try {
  for (let t = 0; t < Number(turns); t++) {
    for (const [who, program, conninfo] of runs) {
      const out = execFileSync(join(benchDir, 'build', program), [conninfo, rounds, 'connect']).toString()
      const samples = out.trim().split('\n').slice(t === 0 ? 5 : 0) // the first run's first five warm the path
      appendFileSync(join(benchDir, 'samples'), samples.map((l) => `${who} ${l}\n`).join(''))
    }
  }
} finally {
  await gw.stop()
}
