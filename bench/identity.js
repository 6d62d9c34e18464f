// JWT verification throughput (wasm core vs jose in the same Node process) and token-cache hit cost.
import * as jose from 'jose'
import { execFileSync } from 'node:child_process'
import { writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { JwtVerifier, TokenCache } from 'edgepg'
import { ratesInTurns } from './stats.js'

// The native build's figures (bench/native/jwt_bench, built by scripts/bench) for the same keys and tokens.
function nativeRates(cases) {
  const bin = process.env.EDGEPG_NATIVE_JWT_BENCH
  if (!bin) return {}
  // A full collection first, so that no concurrent marking of this process competes with the child for the CPU.
  globalThis.gc?.()
  const dir = mkdtempSync(join(tmpdir(), 'edgepg-jwt-bench-'))
  try {
    const file = join(dir, 'cases.tsv')
    writeFileSync(file, cases.map((c) => [c.alg, JSON.stringify(c.jwks), c.token].join('\t')).join('\n') + '\n')
    const out = execFileSync(bin, [file], { encoding: 'utf8' })
    return Object.fromEntries(out.trim().split('\n').map((l) => l.split(' ')).map(([k, v]) => [k, Number(v)]))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

export async function jwtRows() {
  const rows = []
  const cases = []
  for (const alg of ['RS256', 'ES256', 'EdDSA']) {
    const { publicKey, privateKey } = await jose.generateKeyPair(alg, { crv: alg === 'EdDSA' ? 'Ed25519' : undefined, extractable: true })
    const jwks = { keys: [{ ...(await jose.exportJWK(publicKey)), kid: 'k', alg }] }
    const token = await new jose.SignJWT({ sub: 'alice', role: 'app_user' }).setProtectedHeader({ alg, kid: 'k' }).setExpirationTime('1h').sign(privateKey)
    // cache: false measures the signature work itself, not the verified-token cache.
    const ours = new JwtVerifier({ jwks, algorithms: [alg], cache: false })
    const theirs = jose.createLocalJWKSet(jwks)
    await ours.verify(token)
    await jose.jwtVerify(token, theirs, { algorithms: [alg] })
    const [e, j] = await ratesInTurns([() => ours.verify(token), () => jose.jwtVerify(token, theirs, { algorithms: [alg] })])
    rows.push([`${alg} verifications/s`, Math.round(e), Math.round(j), (e / j).toFixed(2) + 'x'])
    cases.push({ alg, jwks, token })
    ours.dispose()
  }
  const native = nativeRates(cases)
  for (const r of rows) {
    const n = native[r[0].split(' ')[0]]
    r.push(n ? Math.round(n) : '-', n ? (n / r[2]).toFixed(2) + 'x' : '-')
  }
  return { rows, nativeCacheHitNs: native['cache-hit'] }
}

export async function cacheRow() {
  const cache = new TokenCache()
  await cache.get('k', async () => ({ value: 'v', expiresAt: Date.now() + 3600_000 }))
  const N = 200_000
  for (let i = 0; i < 1000; i++) await cache.get('k', null)
  const t0 = performance.now()
  for (let i = 0; i < N; i++) await cache.get('k', null)
  return ((performance.now() - t0) * 1e6) / N
}
