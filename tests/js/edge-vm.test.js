// Proof: Vercel's Edge Runtime emulation. The packed edgepg, installed by npm in a fresh folder, runs inside
// @edge-runtime/vm's EdgeVM with production rules (codeGeneration { strings: false, wasm: false }: no eval, no
// new Function, no WebAssembly.compile). `import 'edgepg'` resolves through the `edge-light` condition (as Next.js
// does for edge routes) and its `.wasm?module` import receives a WebAssembly.Module compiled outside the isolate,
// which is what the bundler + platform do. A fetch handler in the VM answers with rows from PostgreSQL, through
// the VM's own global WebSocket.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { pathToFileURL } from 'node:url'
import { getServices } from '../support/env.js'
import { REPO, assertProofBody, freshProject, proofEnv, resolveExport, runProcess } from '../support/pack.js'

let svc
before(async () => {
  svc = await getServices()
})

// Runs in a child `node --experimental-vm-modules` (ES modules inside a vm context need it).
const CHILD = String.raw`
import vm from 'node:vm'
import { readFileSync } from 'node:fs'
import { fileURLToPath, pathToFileURL } from 'node:url'

const [entryPath, edgeVmPath] = process.argv.slice(2)
const { EdgeVM } = await import(edgeVmPath)
const edge = new EdgeVM({ codeGeneration: { strings: false, wasm: false } })
const context = edge.context
context.process = { env: { DATABASE_URL: process.env.DATABASE_URL, EDGEPG_WS_URL: process.env.EDGEPG_WS_URL } }

// The production rules are really on.
const refused = {}
try { edge.evaluate('eval("1")') } catch (e) { refused.eval = e.message }
try { edge.evaluate('new Function("return 1")') } catch (e) { refused.newFunction = e.message }
try { await edge.evaluate('WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]))') } catch (e) { refused.compile = e.message }

const modules = new Map()
function load(url) {
  if (modules.has(url)) return modules.get(url)
  let m
  if (url.endsWith('.wasm?module')) {
    // The bundler's and platform's part: the .wasm arrives as an already compiled WebAssembly.Module.
    const compiled = new WebAssembly.Module(readFileSync(fileURLToPath(url.slice(0, -'?module'.length))))
    m = new vm.SyntheticModule(['default'], function () { this.setExport('default', compiled) }, { context, identifier: url })
  } else {
    m = new vm.SourceTextModule(readFileSync(fileURLToPath(url), 'utf8'), {
      context,
      identifier: url,
      initializeImportMeta(meta) { meta.url = url },
    })
  }
  modules.set(url, m)
  return m
}
const APP = 'file:///edge-app/route.js'
const app = new vm.SourceTextModule(${JSON.stringify(`
import { Client } from 'edgepg'

addEventListener('fetch', (event) => event.respondWith(handle(event.request)))

async function handle(request) {
  const n = Number(new URL(request.url).searchParams.get('n') ?? 3)
  const client = new Client({ connectionString: process.env.DATABASE_URL, webSocketUrl: process.env.EDGEPG_WS_URL })
  await client.connect()
  try {
    const { rows } = await client.query('select n, n * n as square from generate_series(1, $1::int) as n', [n])
    const { rows: [server] } = await client.query('select current_user as "user", current_setting($1) as version', ['server_version'])
    return Response.json({ runtime: 'edge-runtime-vm', edgeRuntime: typeof EdgeRuntime, rows, server })
  } finally {
    await client.end()
  }
}
`)}, { context, identifier: APP })
await app.link((specifier, referencing) => {
  if (specifier === 'edgepg') return load(pathToFileURL(entryPath).href)
  const base = referencing.identifier === APP ? pathToFileURL(entryPath).href : referencing.identifier
  const url = new URL(specifier, base)
  return load(url.href)
})
await app.evaluate()
const results = []
for (const n of [3, 6]) {
  const res = await edge.dispatchFetch('http://localhost/api?n=' + n)
  results.push({ status: res.status, body: await res.text() })
}
console.log(JSON.stringify({ refused, results }))
`

test('@edge-runtime/vm EdgeVM (no code generation, no wasm compilation): a fetch handler queries PostgreSQL', { timeout: 120000 }, async () => {
  const dir = freshProject(null)
  const entry = resolveExport(dir, ['edge-light', 'worker', 'browser'])
  assert.match(entry, /entry-edge-light\.js$/)
  const script = join(dir, 'edge-vm-child.mjs')
  writeFileSync(script, CHILD)
  const edgeVm = pathToFileURL(join(REPO, 'node_modules', '@edge-runtime', 'vm', 'dist', 'index.js')).href
  const out = await runProcess(process.execPath, ['--experimental-vm-modules', '--no-warnings', script, entry, edgeVm], {
    cwd: dir,
    env: proofEnv(svc),
    timeoutMs: 90000,
  })
  const { refused, results } = JSON.parse(out.trim().split('\n').pop())
  assert.match(refused.eval ?? '', /Code generation from strings disallowed/)
  assert.match(refused.newFunction ?? '', /Code generation from strings disallowed/)
  assert.match(refused.compile ?? '', /Wasm code generation disallowed/)
  for (const [i, n] of [3, 6].entries()) {
    assert.equal(results[i].status, 200, results[i].body)
    const { edgeRuntime, ...body } = JSON.parse(results[i].body)
    assert.equal(edgeRuntime, 'string')
    assertProofBody(body, 'edge-runtime-vm', n)
  }
})
