// Runs a command with a throwaway PostgreSQL 15 + websockify, described to it in EDGEPG_TEST_SERVICES, and stops
// both afterwards whatever happens.  Usage: node scripts/with-services.js <command> [args...]
import { spawn } from 'node:child_process'
import { startServices, stopServices } from '../tests/support/services.js'

const svc = await startServices()
let stopped = false
const stop = () => {
  if (!stopped) {
    stopped = true
    stopServices(svc)
  }
}
const { _child, ...shared } = svc
const [cmd, ...args] = process.argv.slice(2)
const child = spawn(cmd, args, { stdio: 'inherit', env: { ...process.env, EDGEPG_TEST_SERVICES: JSON.stringify(shared) } })
for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig))
child.on('exit', (code, signal) => {
  stop()
  process.exit(code ?? (signal ? 1 : 0))
})
