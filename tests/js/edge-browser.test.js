// Proof: Chromium (Debian's, driven by playwright-core). examples/browser/ with the packed edgepg installed by npm
// in a fresh folder, served on localhost; the page imports the package (its `browser` entry, through an import
// map), which fetches and compiles the .wasm, connects through the browser's WebSocket and shows rows from
// PostgreSQL.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { extname, join, normalize, relative, sep } from 'node:path'
import { chromium } from 'playwright-core'
import { getServices } from '../support/env.js'
import { assertProofBody, freshProject, proofEnv, resolveExport } from '../support/pack.js'

const CHROMIUM = '/usr/bin/chromium'
const FLAGS = [
  '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking',
  '--disable-component-update', '--disable-sync', '--disable-quic',
]
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.mjs': 'text/javascript', '.wasm': 'application/wasm', '.json': 'application/json' }

let svc
before(async () => {
  svc = await getServices()
})

// Serves the project folder, plus config.json with the connection details (from the test's environment).
function serve(dir, config) {
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url, 'http://x').pathname)
    if (path === '/config.json') {
      res.writeHead(200, { 'content-type': TYPES['.json'], 'cache-control': 'no-store' })
      res.end(JSON.stringify(config))
      return
    }
    const file = normalize(join(dir, path === '/' ? 'index.html' : path))
    if (!file.startsWith(dir + sep) || !existsSync(file)) {
      res.writeHead(404).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream' })
    res.end(readFileSync(file))
  })
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)))
}

test('Chromium: a page served on localhost imports edgepg and shows a query result', { timeout: 90000 }, async (t) => {
  if (!existsSync(CHROMIUM)) {
    assert.fail(`${CHROMIUM} is missing: Debian's chromium is needed for this proof (scripts/bootstrap installs it)`)
  }
  const dir = freshProject('browser')
  // The import map must point where the `browser` export condition does.
  const entry = relative(dir, resolveExport(dir, ['browser']))
  assert.equal(entry, join('node_modules', 'edgepg', 'wasm', 'src', 'entry-browser.js'))
  assert.ok(readFileSync(join(dir, 'index.html'), 'utf8').includes(`"edgepg": "./${entry}"`), 'the import map names the browser entry')

  const env = proofEnv(svc)
  const server = await serve(dir, { connectionString: env.DATABASE_URL, webSocketUrl: env.EDGEPG_WS_URL })
  t.after(() => server.close())
  const userDataDir = mkdtempSync(join(tmpdir(), 'edgepg-chromium-'))
  let browser
  t.after(async () => {
    await browser?.close()
    rmSync(userDataDir, { recursive: true, force: true })
  })
  browser = await chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, headless: true, args: FLAGS })

  const page = await browser.newPage()
  const logs = []
  page.on('console', (m) => logs.push(`${m.type()}: ${m.text()}`))
  page.on('pageerror', (e) => logs.push(`pageerror: ${e.message}`))
  const wasmTypes = []
  page.on('response', (r) => r.url().endsWith('.wasm') && wasmTypes.push(r.headers()['content-type']))
  await page.goto(`http://127.0.0.1:${server.address().port}/`)
  await page.waitForSelector('#out[data-state]', { timeout: 45000 }).catch((e) => {
    throw new Error(`the page did not finish: ${e.message}\n${logs.join('\n')}`)
  })
  const state = await page.getAttribute('#out', 'data-state')
  const text = await page.textContent('#out')
  assert.equal(state, 'done', `${text}\n${logs.join('\n')}`)
  assertProofBody(JSON.parse(text), 'browser')
  assert.deepEqual(wasmTypes, ['application/wasm'])
  assert.equal(await page.evaluate(() => typeof WebAssembly.compileStreaming), 'function')
})
