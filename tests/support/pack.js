// The packed artifact every edge proof uses: `npm pack` of this repository, made once per test run and installed
// into fresh temp folders, so that a file missing from package.json's `files` (or `exports`) fails the proofs.
//
// Once per run: under scripts/with-services.js the tarball lives in the run's services folder (removed when the
// run ends) and the test files of the run share it; a test file run on its own packs into its own temp folder.
// EDGEPG_TEST_TARBALL=/path/to/edgepg-x.y.z.tgz uses a tarball made beforehand instead.
import { execFileSync, spawn } from 'node:child_process'
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import assert from 'node:assert/strict'
import { ROLES, waitForPort } from './services.js'

export const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')

let cached = null

// Temp folders and processes to remove when this test process exits (node:test's after() is not usable from a
// before() hook, where projects are often made).
const cleanups = []
process.once('exit', () => {
  for (const fn of cleanups.reverse()) {
    try {
      fn()
    } catch {}
  }
})
const atExit = (fn) => cleanups.push(fn)

function runFolder() {
  const svc = process.env.EDGEPG_TEST_SERVICES ? JSON.parse(process.env.EDGEPG_TEST_SERVICES) : null
  if (svc?.dir && existsSync(svc.dir)) return { dir: join(svc.dir, 'edgepg-pack'), shared: true }
  return { dir: mkdtempSync(join(tmpdir(), 'edgepg-pack-')), shared: false }
}

// The path of the packed tarball (made at most once per run).
export function packedTarball() {
  if (cached) return cached
  if (process.env.EDGEPG_TEST_TARBALL) return (cached = resolve(process.env.EDGEPG_TEST_TARBALL))
  const { dir, shared } = runFolder()
  const final = join(dir, 'edgepg.tgz')
  if (existsSync(final)) return (cached = final)
  if (!shared) atExit(() => rmSync(dir, { recursive: true, force: true }))
  mkdirSync(dir, { recursive: true })
  const work = mkdtempSync(join(dir, 'work-'))
  try {
    const out = execFileSync('npm', ['pack', '--json', '--pack-destination', work], { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'] })
    const [info] = JSON.parse(out.toString())
    const paths = info.files.map((f) => f.path)
    for (const needed of ['wasm/dist/edgepg-core.wasm', 'wasm/dist/edgepg-core.mjs']) {
      if (!paths.includes(needed)) {
        throw new Error(`the packed tarball has no ${needed}: build the wasm first (scripts/build wasm)`)
      }
    }
    try {
      renameSync(join(work, info.filename), final) // another test file of the run may have won the race
    } catch (e) {
      if (!existsSync(final)) throw e
    }
  } finally {
    rmSync(work, { recursive: true, force: true })
  }
  return (cached = final)
}

// A fresh temp folder (removed after the test file) holding a copy of `example` (a folder under examples/, or
// null for an empty project) with the packed edgepg installed into its node_modules by npm. `deps` are
// other packages installed in the same `npm install`, at the versions the repo has: from npm's cache where `npm ci`
// left them (--prefer-offline), from the registry otherwise (npm ci caches tarballs, not the package documents that
// `npm install` also needs, so a strictly offline install fails on a machine whose cache was not warmed by hand).
export function freshProject(example, { deps = [] } = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'edgepg-proof-'))
  atExit(() => rmSync(dir, { recursive: true, force: true }))
  if (example) {
    cpSync(join(REPO, 'examples', example), dir, {
      recursive: true,
      filter: (src) => !/[\\/](node_modules|\.next|\.wrangler)$/.test(src),
    })
  }
  if (!existsSync(join(dir, 'package.json'))) writeFileSync(join(dir, 'package.json'), '{"private":true,"type":"module"}\n')
  const specs = deps.map((name) => `${name}@${repoVersion(name)}`)
  execFileSync('npm', ['install', '--prefer-offline', '--no-audit', '--no-fund', '--no-package-lock', '--ignore-scripts', packedTarball(), ...specs], {
    cwd: dir,
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const installed = readdirSync(join(dir, 'node_modules', 'edgepg', 'wasm', 'dist'))
  if (!installed.includes('edgepg-core.wasm')) throw new Error('npm install of the packed tarball gave no wasm/dist/edgepg-core.wasm')
  return dir
}

export function repoVersion(name) {
  const file = join(REPO, 'node_modules', name, 'package.json')
  if (!existsSync(file)) throw new Error(`${name} is not installed in the repo (npm ci): the proof needs it`)
  return JSON.parse(readFileSync(file, 'utf8')).version
}

// Connection details for a proof, as environment variables the examples read (never printed).
export function proofEnv(svc, roleName = 'scram') {
  const role = ROLES[roleName]
  return {
    DATABASE_URL: `postgres://${encodeURIComponent(role.user)}:${encodeURIComponent(role.password)}@127.0.0.1:${svc.pgPort}/edgepg_test`,
    EDGEPG_WS_URL: `ws://127.0.0.1:${svc.wsPort}/v1?address=127.0.0.1:${svc.pgPort}`,
  }
}

// What every example answers: rows computed by PostgreSQL for ?n=<n>, and who and what the server is.
export function assertProofBody(body, runtime, n = 3) {
  assert.equal(body.runtime, runtime)
  assert.deepEqual(body.rows, Array.from({ length: n }, (_, i) => ({ n: i + 1, square: (i + 1) ** 2 })))
  assert.equal(body.server.user, ROLES.scram.user)
  assert.match(body.server.version, /^15\./)
}

const clip = (out) => (out.length <= 8000 ? out : out.slice(0, 3000) + '\n[...]\n' + out.slice(-5000))

// Runs a command to completion, collecting its output; rejects on a non-zero exit or after timeoutMs, with the
// output's tail in the message.
export function runProcess(cmd, args, { cwd, env, timeoutMs = 180000 } = {}) {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`${cmd} ${args.join(' ')} took more than ${timeoutMs} ms:\n${out.slice(-4000)}`))
    }, timeoutMs)
    child.on('error', (e) => {
      clearTimeout(timer)
      reject(e)
    })
    child.on('exit', (code, signal) => {
      clearTimeout(timer)
      if (code === 0) resolvePromise(out)
      else reject(new Error(`${cmd} ${args.join(' ')} exited with ${code ?? signal}:\n${clip(out)}`))
    })
  })
}

// Starts a server process and waits until it listens on `port`; `child.output()` is what it printed so far.
// The process is killed when the test process exits, if stopProcess has not stopped it before.
export async function startProcess(cmd, args, { cwd, env, port, timeoutMs = 30000 }) {
  const child = spawn(cmd, args, { cwd, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  child.stdout.on('data', (d) => (out += d))
  child.stderr.on('data', (d) => (out += d))
  child.output = () => out
  atExit(() => child.exitCode === null && child.signalCode === null && child.kill('SIGKILL'))
  const exited = new Promise((_, reject) => child.once('exit', (code) => reject(new Error(`${cmd} exited (${code}) before listening:\n${out.slice(-4000)}`))))
  exited.catch(() => {})
  await Promise.race([waitForPort(port, timeoutMs), exited])
  return child
}

export function stopProcess(child) {
  if (!child || child.exitCode !== null || child.signalCode !== null) return Promise.resolve()
  return new Promise((resolvePromise) => {
    const t = setTimeout(() => child.kill('SIGKILL'), 5000)
    child.once('exit', () => {
      clearTimeout(t)
      resolvePromise()
    })
    child.kill('SIGTERM')
  })
}

// The file a bundler picks for `import 'edgepg'` given its conditions: the first key of exports["."], in the
// package's order, that the bundler's conditions include (how Node and bundlers match export conditions).
export function resolveExport(dir, conditions) {
  const root = join(dir, 'node_modules', 'edgepg')
  const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'))
  const wanted = new Set([...conditions, 'import', 'default'])
  for (const [condition, target] of Object.entries(pkg.exports['.'])) {
    if (wanted.has(condition) && typeof target === 'string' && target.endsWith('.js')) return join(root, target)
  }
  throw new Error(`no export of edgepg matches the conditions ${conditions.join(', ')}`)
}
