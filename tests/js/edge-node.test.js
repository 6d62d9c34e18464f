// Proof: Node 20 (the `node` export condition), with the packed edgepg installed by npm in a fresh folder:
// examples/node/with-ws.mjs passes the `ws` package as webSocketConstructor; examples/node/global-websocket.mjs
// relies on a global WebSocket (Node 22-style), given here by setting globalThis.WebSocket to ws's in a preload,
// and by Node's own WebSocket (--experimental-websocket). Without any WebSocket, connect fails fast and says what
// to set.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { getServices } from '../support/env.js'
import { assertProofBody, freshProject, proofEnv, runProcess } from '../support/pack.js'

let svc
let dir
before(async () => {
  svc = await getServices()
  dir = freshProject('node', { deps: ['ws'] })
  writeFileSync(join(dir, 'global-ws.mjs'), "import { WebSocket } from 'ws'\nglobalThis.WebSocket = WebSocket\n")
  writeFileSync(join(dir, 'resolve.mjs'), "console.log(import.meta.resolve('edgepg'))\n")
})

const node = (args) => runProcess(process.execPath, args, { cwd: dir, env: proofEnv(svc), timeoutMs: 60000 })
const lastJson = (out) => JSON.parse(out.trim().split('\n').pop())

test('Node 20: `import "edgepg"` resolves to the node entry of the installed package', async () => {
  const out = await node(['resolve.mjs'])
  assert.match(out.trim(), /\/node_modules\/edgepg\/wasm\/src\/entry-node\.js$/)
})

test('Node 20 with the ws constructor (webSocketConstructor)', async () => {
  assertProofBody(lastJson(await node(['with-ws.mjs'])), 'node')
})

test('Node with a global WebSocket (ws assigned to globalThis.WebSocket), no constructor passed', async () => {
  assertProofBody(lastJson(await node(['--import', './global-ws.mjs', 'global-websocket.mjs'])), 'node')
})

test("Node with its own global WebSocket (--experimental-websocket, as on Node 22)", async () => {
  assertProofBody(lastJson(await node(['--experimental-websocket', '--no-warnings', 'global-websocket.mjs'])), 'node')
})

test('Node 20 without any WebSocket: connect() fails at once with ENOWEBSOCKET naming webSocketConstructor', async () => {
  writeFileSync(join(dir, 'no-ws.mjs'), `
import { Client } from 'edgepg'
const started = Date.now()
try {
  await new Client({ connectionString: process.env.DATABASE_URL, webSocketUrl: process.env.EDGEPG_WS_URL }).connect()
  console.log(JSON.stringify({ ok: true }))
} catch (e) {
  console.log(JSON.stringify({ code: e.code, name: e.name, message: e.message, ms: Date.now() - started }))
}
`)
  const r = lastJson(await node(['no-ws.mjs']))
  assert.equal(r.code, 'ENOWEBSOCKET')
  assert.equal(r.name, 'EdgepgError')
  assert.match(r.message, /webSocketConstructor/)
  assert.ok(r.ms < 1000, `took ${r.ms} ms`)
  assert.doesNotMatch(r.message, /pässword|scram-p/)
})
