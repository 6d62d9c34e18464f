// Proof: Next.js 16. examples/next-edge/ (a route handler with `export const runtime = 'edge'`, and the same on
// the Node.js runtime) with the packed edgepg installed by npm in a fresh folder: `next build` passes (Turbopack,
// no "Dynamic Code Evaluation" error), `next start` serves, and both routes answer with rows from PostgreSQL.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { join } from 'node:path'
import { getServices } from '../support/env.js'
import { freePort } from '../support/services.js'
import { assertProofBody, freshProject, proofEnv, runProcess, startProcess, stopProcess } from '../support/pack.js'

let svc
before(async () => {
  svc = await getServices()
})

test('Next.js 16: next build + next start, edge and nodejs route handlers query PostgreSQL', { timeout: 300000 }, async () => {
  const dir = freshProject('next-edge', { deps: ['next', 'react', 'react-dom', 'ws'] })
  const next = join(dir, 'node_modules', 'next', 'dist', 'bin', 'next')
  const env = { NEXT_TELEMETRY_DISABLED: '1', NODE_ENV: 'production' }

  const build = await runProcess(process.execPath, [next, 'build'], { cwd: dir, env, timeoutMs: 240000 })
  assert.doesNotMatch(build, /Dynamic Code Evaluation/i)
  assert.doesNotMatch(build, /Failed to compile|Module not found/i)
  assert.match(build, /\/api\/edge/)

  const port = await freePort()
  const server = await startProcess(process.execPath, [next, 'start', '-p', String(port), '-H', '127.0.0.1'], {
    cwd: dir,
    env: { ...env, ...proofEnv(svc) },
    port,
  })
  try {
    for (const [route, runtime, n] of [['edge', 'edge', 4], ['node', 'nodejs', 2]]) {
      const res = await fetch(`http://127.0.0.1:${port}/api/${route}?n=${n}`)
      const text = await res.text()
      assert.equal(res.status, 200, `/api/${route} answered ${res.status}: ${text}\n${server.output().slice(-3000)}`)
      assertProofBody(JSON.parse(text), runtime, n)
    }
    // A second request to the edge route reuses the isolate's compiled module.
    const again = await fetch(`http://127.0.0.1:${port}/api/edge?n=1`)
    assertProofBody(await again.json(), 'edge', 1)
  } finally {
    await stopProcess(server)
  }
  assert.doesNotMatch(server.output(), /Dynamic Code Evaluation|EvalError|Wasm code generation disallowed/i)
})
