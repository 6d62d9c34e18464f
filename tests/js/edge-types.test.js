// The TypeScript declarations of the packed package: `tsc --noEmit` (strict) over tests/types/usage.ts, a typed
// use of the whole public API, in a fresh folder where `edgepg` resolves through package.json's `types`.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { copyFileSync } from 'node:fs'
import { join } from 'node:path'
import { REPO, freshProject, runProcess } from '../support/pack.js'

test('TypeScript: tsc --noEmit over a typed usage file passes against the packed declarations', { timeout: 120000 }, async () => {
  const dir = freshProject(null)
  for (const f of ['usage.ts', 'tsconfig.json']) copyFileSync(join(REPO, 'tests', 'types', f), join(dir, f))
  const tsc = join(REPO, 'node_modules', 'typescript', 'bin', 'tsc')
  const out = await runProcess(process.execPath, [tsc, '-p', 'tsconfig.json', '--listFiles'], { cwd: dir, timeoutMs: 100000 }).catch((e) => {
    assert.fail(`tsc found type errors:\n${e.message.split('\n').filter((l) => !l.includes('/lib/lib.')).join('\n')}`)
  })
  // The declarations came from the installed package, not from the source tree.
  assert.match(out, /node_modules\/edgepg\/wasm\/types\/index\.d\.ts/)
})
