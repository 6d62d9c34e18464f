// Two builds of the wasm core, A and B, side by side in one process and in turns (A, B, A, B, ...): JWT
// verification rates per algorithm (the verified-token cache off), the 100,000-row fetch through websockify, and a
// SCRAM login without the key cache (PBKDF2 in the core). For build changes that must not cost speed (issue #17:
// a leaner OpenSSL). Run inside scripts/with-services.js:
//   node scripts/with-services.js node bench/wasm-ab.js DIR_A DIR_B     (each DIR holds edgepg-core.mjs and .wasm)
import * as jose from 'jose'
import { cpSync, mkdtempSync, rmSync, statSync } from 'node:fs'
import { gzipSync } from 'node:zlib'
import { readFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { WebSocket } from 'ws'
import { fmt, median, printTable, ratesInTurns } from './stats.js'
import { ROLES } from '../tests/support/services.js'

const [dirA, dirB] = process.argv.slice(2)
if (!dirA || !dirB) {
  console.error('usage: bench/wasm-ab.js DIR_A DIR_B (each with edgepg-core.mjs and edgepg-core.wasm)')
  process.exit(2)
}
const svc = JSON.parse(process.env.EDGEPG_TEST_SERVICES ?? 'null')
const repo = new URL('..', import.meta.url).pathname

// Each build as a package of its own: this repository's wasm/src beside that build's dist.
const work = mkdtempSync(join(tmpdir(), 'edgepg-wasm-ab-'))
process.on('exit', () => rmSync(work, { recursive: true, force: true }))
async function load(dir, name) {
  const root = join(work, name)
  cpSync(join(repo, 'wasm', 'src'), join(root, 'wasm', 'src'), { recursive: true })
  for (const f of ['edgepg-core.mjs', 'edgepg-core.wasm']) cpSync(join(dir, f), join(root, 'wasm', 'dist', f))
  const wasm = readFileSync(join(dir, 'edgepg-core.wasm'))
  return { name, api: await import(join(root, 'wasm', 'src', 'entry-node.js')), raw: statSync(join(dir, 'edgepg-core.wasm')).size, gz: gzipSync(wasm, { level: 9 }).length }
}
const builds = [await load(dirA, 'A'), await load(dirB, 'B')]

const rows = [['wasm, raw / gzipped', ...builds.map((b) => `${(b.raw / 1024).toFixed(1)} KB / ${(b.gz / 1024).toFixed(1)} KB`), (builds[1].gz / builds[0].gz).toFixed(2) + 'x']]
const algs = { RS256: { modulusLength: 2048 }, PS256: { modulusLength: 2048 }, ES256: {}, ES384: {}, ES512: {}, EdDSA: { crv: 'Ed25519' } }
for (const [alg, opts] of Object.entries(algs)) {
  const { publicKey, privateKey } = await jose.generateKeyPair(alg, opts)
  const jwks = { keys: [{ ...(await jose.exportJWK(publicKey)), kid: 'k', alg }] }
  const token = await new jose.SignJWT({ sub: 'alice' }).setProtectedHeader({ alg, kid: 'k' }).setExpirationTime('1h').sign(privateKey)
  const verifiers = builds.map((b) => new b.api.JwtVerifier({ jwks, algorithms: [alg], cache: false }))
  for (const v of verifiers) await v.verify(token)
  const [a, b] = await ratesInTurns(verifiers.map((v) => () => v.verify(token)), { rounds: 9, batch: 10 })
  rows.push([`${alg} verifications/s`, Math.round(a), Math.round(b), (b / a).toFixed(2) + 'x'])
  for (const v of verifiers) v.dispose()
}
{
  const secret = new TextEncoder().encode('a-shared-secret-of-32-bytes-ok!!')
  const token = await new jose.SignJWT({ sub: 'alice' }).setProtectedHeader({ alg: 'HS256' }).setExpirationTime('1h').sign(secret)
  const verifiers = builds.map((b) => new b.api.JwtVerifier({ secret, algorithms: ['HS256'], cache: false }))
  const [a, b] = await ratesInTurns(verifiers.map((v) => () => v.verify(token)), { rounds: 9, batch: 10 })
  rows.push(['HS256 verifications/s', Math.round(a), Math.round(b), (b / a).toFixed(2) + 'x'])
}

if (svc) {
  const url = `ws://127.0.0.1:${svc.wsPort}/v1?address=127.0.0.1:${svc.pgPort}`
  const client = (b, extra = {}) => new b.api.Client({ host: '127.0.0.1', port: svc.pgPort, user: ROLES.scram.user,
    password: ROLES.scram.password, database: 'edgepg_test', webSocketUrl: url, webSocketConstructor: WebSocket, ...extra })
  const open = builds.map((b) => client(b))
  for (const c of open) await c.connect()
  const sql = "select g as id, 'row-' || g as name, g % 7 = 0 as flag from generate_series(1, 100000) g"
  const fetchMs = builds.map(() => [])
  for (let r = 0; r < 8; r++) {
    for (const [k, c] of open.entries()) {
      const t0 = performance.now()
      const res = await c.query(sql)
      if (res.rows.length !== 100000) throw new Error('row count')
      if (r > 0) fetchMs[k].push(performance.now() - t0)
    }
  }
  for (const c of open) await c.end()
  rows.push(['100,000-row fetch (3 columns), median', ...fetchMs.map((t) => fmt(median(t))), (median(fetchMs[1]) / median(fetchMs[0])).toFixed(2) + 'x'])
  const loginMs = builds.map(() => [])
  for (let r = 0; r < 16; r++) {
    for (const [k, b] of builds.entries()) {
      const c = client(b, { scramKeyCache: false })
      const t0 = performance.now()
      await c.connect()
      loginMs[k].push(performance.now() - t0)
      await c.end()
    }
  }
  rows.push(['SCRAM login without the key cache, median', ...loginMs.map((t) => fmt(median(t))), (median(loginMs[1]) / median(loginMs[0])).toFixed(2) + 'x'])
}
printTable(`wasm core A (${dirA}) vs B (${dirB}), in turns`, ['', 'A', 'B', 'B / A'], rows)
