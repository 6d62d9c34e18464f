// Proof: Bun (the `bun` npm package's binary, the `bun` export condition), with the packed edgepg installed by npm
// in a fresh folder: examples/bun/query.js uses Bun's global WebSocket and prints rows from PostgreSQL.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { execFileSync } from 'node:child_process'
import { join } from 'node:path'
import { getServices } from '../support/env.js'
import { REPO, assertProofBody, freshProject, proofEnv, runProcess } from '../support/pack.js'

const BUN = join(REPO, 'node_modules', 'bun', 'bin', 'bun.exe')

let svc
before(async () => {
  svc = await getServices()
})

function bunVersion() {
  try {
    return execFileSync(BUN, ['--version'], { stdio: ['ignore', 'pipe', 'pipe'] }).toString().trim()
  } catch (e) {
    throw new Error(
      `the bun binary (${BUN}) does not run: bun's postinstall script, which puts the platform binary in place, ` +
        `did not run. package.json's allowScripts must approve it (npm install-scripts approve bun), then npm ci. ` +
        `(${e.message})`,
      { cause: e },
    )
  }
}

test('Bun: the package resolves to its bun entry and queries PostgreSQL over the global WebSocket', { timeout: 60000 }, async () => {
  assert.match(bunVersion(), /^1\./)
  const dir = freshProject('bun')
  const out = await runProcess(BUN, ['run', 'query.js'], { cwd: dir, env: proofEnv(svc), timeoutMs: 45000 })
  const { entry, ...body } = JSON.parse(out.trim().split('\n').pop())
  assert.match(entry, /\/node_modules\/edgepg\/wasm\/src\/entry-bun\.js$/)
  assertProofBody(body, 'bun')
})
