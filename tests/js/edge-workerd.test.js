// Proof: Cloudflare workerd (real workerd, through miniflare). examples/cloudflare-worker/ with the packed edgepg
// installed by npm in a fresh folder; `import 'edgepg'` resolved through the `workerd` export condition (as
// wrangler does: workerd, worker, browser), modules rules ESModule for .js/.mjs and CompiledWasm for .wasm.
// The worker answers a request with rows from PostgreSQL, over `new WebSocket(url)` and, when WebSocket is missing
// or its constructor throws, over the fetch(url, { headers: { Upgrade: 'websocket' } }) fallback.
import { test, before, after } from 'node:test'
import assert from 'node:assert/strict'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, relative } from 'node:path'
import { Miniflare } from 'miniflare'
import { getServices } from '../support/env.js'
import { assertProofBody, freshProject, proofEnv, resolveExport } from '../support/pack.js'

let svc
before(async () => {
  svc = await getServices()
})

// What wrangler's bundler does to the example's `import ... from 'edgepg'`: point it at the resolved file.
function resolvedWorker(dir) {
  const entry = resolveExport(dir, ['workerd', 'worker', 'browser'])
  assert.match(entry, /entry-workerd\.js$/)
  const source = join(dir, 'src', 'worker.js')
  const target = join(dir, 'src', 'worker.resolved.mjs')
  const code = readFileSync(source, 'utf8')
  assert.match(code, /from 'edgepg'/)
  writeFileSync(target, code.replace(/from 'edgepg'/, `from './${relative(dirname(source), entry)}'`))
  return target
}

// The example Worker in an isolate where `new WebSocket` does not exist ('missing') or throws ('throws'):
// connecting must go through fetch(url, { headers: { Upgrade: 'websocket' } }). The wrapper counts those upgrades.
function workerWithoutWebSocket(dir, mode) {
  const inner = resolvedWorker(dir)
  const target = join(dir, 'src', `worker.websocket-${mode}.mjs`)
  const replacement = mode === 'missing' ? 'undefined' : "class { constructor() { throw new TypeError('no outbound WebSocket here') } }"
  writeFileSync(target, `
import worker from './${relative(dirname(target), inner)}'
globalThis.WebSocket = ${replacement}
const realFetch = globalThis.fetch
let upgrades = 0
globalThis.fetch = (input, init) => {
  if (new Headers(init?.headers).get('upgrade') === 'websocket') upgrades++
  return realFetch(input, init)
}
export default {
  async fetch(request, env, ctx) {
    const res = await worker.fetch(request, env, ctx)
    return Response.json({ ...(await res.json()), upgrades, webSocket: String(globalThis.WebSocket).slice(0, 9) })
  },
}
`)
  return target
}

function miniflare(dir, scriptPath) {
  const mf = new Miniflare({
    modules: true,
    scriptPath,
    modulesRoot: dir,
    modulesRules: [
      { type: 'ESModule', include: ['**/*.mjs', '**/*.js'] },
      { type: 'CompiledWasm', include: ['**/*.wasm'] },
    ],
    compatibilityDate: '2025-09-01',
    bindings: proofEnv(svc),
  })
  let disposed = null
  const dispose = () => (disposed ??= mf.dispose())
  after(dispose)
  return { dispatchFetch: (...a) => mf.dispatchFetch(...a), dispose }
}

test('workerd (miniflare): the example Worker answers with rows from PostgreSQL', { timeout: 120000 }, async () => {
  const dir = freshProject('cloudflare-worker')
  const mf = miniflare(dir, resolvedWorker(dir))
  for (const n of [3, 5]) {
    const res = await mf.dispatchFetch(`http://localhost/?n=${n}`)
    const text = await res.text()
    assert.equal(res.status, 200, text)
    assertProofBody(JSON.parse(text), 'workerd', n)
  }
  await mf.dispose()
})

for (const [mode, what] of [['missing', 'globalThis.WebSocket is missing'], ['throws', '`new WebSocket(url)` throws']]) {
  test(`workerd (miniflare): when ${what}, the fetch Upgrade fallback connects`, { timeout: 120000 }, async () => {
    const dir = freshProject('cloudflare-worker')
    const mf = miniflare(dir, workerWithoutWebSocket(dir, mode))
    const res = await mf.dispatchFetch('http://localhost/?n=2')
    const text = await res.text()
    assert.equal(res.status, 200, text)
    const { upgrades, webSocket, ...body } = JSON.parse(text)
    assertProofBody(body, 'workerd', 2)
    assert.equal(webSocket, mode === 'missing' ? 'undefined' : 'class { c')
    assert.equal(upgrades, 1)
    await mf.dispose()
  })
}
