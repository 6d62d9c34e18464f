// Proof: Deno (the `deno` npm package's binary, the `deno` export condition), with the packed edgepg installed by
// npm in a fresh folder and used through deno.json's "nodeModulesDir": "manual": examples/deno/query.js uses Deno's
// global WebSocket, prints rows from PostgreSQL, and verifies a JWT in the same process.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { existsSync } from 'node:fs'
import { join } from 'node:path'
import * as jose from 'jose'
import { getServices } from '../support/env.js'
import { REPO, assertProofBody, freshProject, proofEnv, runProcess } from '../support/pack.js'

// The platform binary the deno package depends on (its postinstall, which only points the bin entry at it, is
// not needed); the package's own launcher otherwise.
const platformBinary = join(REPO, 'node_modules', '@deno', `${process.platform}-${process.arch}-glibc`, 'deno')
const DENO = existsSync(platformBinary) ? platformBinary : join(REPO, 'node_modules', '.bin', 'deno')

let svc
before(async () => {
  svc = await getServices()
})

test('Deno: the package resolves to its deno entry, queries PostgreSQL and verifies a JWT', { timeout: 90000 }, async () => {
  const version = await runProcess(DENO, ['--version'], { timeoutMs: 20000 })
  assert.match(version, /^deno 2\./)
  const dir = freshProject('deno')
  const secret = 'a-deno-proof-secret-of-at-least-32-bytes'
  const jwt = await new jose.SignJWT({ sub: 'deno-user' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('5m')
    .sign(new TextEncoder().encode(secret))
  const out = await runProcess(DENO, ['run', '--allow-net', '--allow-env', '--allow-read', 'query.js'], {
    cwd: dir,
    env: { ...proofEnv(svc), JWT: jwt, JWT_SECRET: secret, DENO_DIR: join(dir, '.deno'), DENO_NO_UPDATE_CHECK: '1' },
    timeoutMs: 60000,
  })
  const { entry, claims, ...body } = JSON.parse(out.trim().split('\n').pop())
  assert.match(entry, /\/node_modules\/edgepg\/wasm\/src\/entry-deno\.js$/)
  assert.equal(claims.sub, 'deno-user')
  assertProofBody(body, 'deno')
})
