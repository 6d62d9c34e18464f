// The gateway's cache of verified tokens (identity.token_cache_entries): an edge function opens a connection per
// request with the same token, and the second login must not pay for the signature again. The cache may never
// accept what a fresh verification would refuse: a token past its exp, a token whose key left the JWKS, a token
// signed with a secret the SIGHUP replaced, or a token that shares a cached token's payload but not its signature.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { createServer } from 'node:http'
import { writeFileSync } from 'node:fs'
import { join } from 'node:path'
import pg from 'pg'
import * as jose from 'jose'
import { getServices } from '../support/env.js'
import { listenLoopback } from '../support/services.js'
import { AUDIENCE, DATABASE, ISSUER, prepareDatabase, startGateway, token } from '../support/gateway.js'

let svc
before(async () => {
  svc = await getServices()
  prepareDatabase(svc)
})

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// What a login with `password` gets: the subject edgepg.sub() reads, or the refusal's SQLSTATE and message.
async function login(gw, password) {
  const c = new pg.Client({ host: '127.0.0.1', port: gw.postgres, user: 'gw_user', database: DATABASE, password })
  try {
    await c.connect()
  } catch (e) {
    return { code: e.code, message: e.message }
  }
  try {
    return { sub: (await c.query('select edgepg.sub() as sub')).rows[0].sub }
  } finally {
    await c.end()
  }
}

// A gateway for one test, stopped whatever happens.
async function withGateway(options, fn) {
  const gw = await startGateway(svc, options)
  try {
    return await fn(gw)
  } finally {
    await gw.stop()
  }
}

// A login refused with 28000, its message starting with the refusal's code.
function assertRefused(result, code) {
  assert.equal(result.code, '28000', JSON.stringify(result))
  assert.match(result.message, new RegExp(`^${code}:`))
}

async function accepted(gw) {
  const text = await (await fetch(`http://127.0.0.1:${gw.http}/metrics`)).text()
  const count = (source) => Number(new RegExp(`edgepg_gateway_tokens_accepted_total\\{source="${source}"\\} (\\d+)`).exec(text)?.[1])
  return { signature: count('signature'), cache: count('cache') }
}

test('the same token twice: the second login is served from the cache; another signature on its payload is not', async () => {
  await withGateway({}, async (gw) => {
    const tok = await token({ sub: 'alice', role: 'gw_user' })
    assert.deepEqual(await login(gw, tok), { sub: 'alice' })
    assert.deepEqual(await accepted(gw), { signature: 1, cache: 0 })
    assert.deepEqual(await login(gw, tok), { sub: 'alice' })
    assert.deepEqual(await accepted(gw), { signature: 1, cache: 1 })
    // The cached token's header and payload with a signature that does not verify: refused, never a hit.
    const [header, payload, signature] = tok.split('.')
    const forged = [header, payload, signature.startsWith('A') ? 'B' + signature.slice(1) : 'A' + signature.slice(1)].join('.')
    assertRefused(await login(gw, forged), 'ERR_JWT_SIGNATURE')
    assert.deepEqual(await accepted(gw), { signature: 1, cache: 1 })
  })
})

test('a cached token is refused once it expires, with the answer a fresh verification gives', async () => {
  await withGateway({}, async (gw) => {
    await gw.reload((c) => (c.identity.clock_tolerance_s = 0))
    const exp = Math.floor(Date.now() / 1000) + 2
    const tok = await token({ sub: 'brief', role: 'gw_user' }, { exp })
    assert.deepEqual(await login(gw, tok), { sub: 'brief' })
    assert.deepEqual(await login(gw, tok), { sub: 'brief' })
    assert.equal((await accepted(gw)).cache, 1)
    await sleep(exp * 1000 - Date.now() + 50)
    assertRefused(await login(gw, tok), 'ERR_JWT_EXPIRED')
  })
})

test('a key gone from the JWKS takes its cached tokens with it', async () => {
  const a = await jose.generateKeyPair('ES256')
  const b = await jose.generateKeyPair('ES256')
  const jwk = async (pair, kid) => ({ ...(await jose.exportJWK(pair.publicKey)), kid, alg: 'ES256', use: 'sig' })
  let keys = [await jwk(a, 'a')]
  const server = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' })
    res.end(JSON.stringify({ keys }))
  })
  const port = await listenLoopback(server)
  const sign = (pair, kid, sub) => new jose.SignJWT({ sub, role: 'gw_user' }).setProtectedHeader({ alg: 'ES256', kid })
    .setIssuer(ISSUER).setAudience(AUDIENCE).setIssuedAt().setExpirationTime('10m').sign(pair.privateKey)
  const identity = { issuer: ISSUER, audience: AUDIENCE, algorithms: ['ES256'], jwks_url: `http://127.0.0.1:${port}/jwks.json`,
    role_claim: 'role', allowed_roles: ['gw_user'] }
  try {
    await withGateway({ identity }, async (gw) => {
      const old = await sign(a, 'a', 'old-key')
      assert.deepEqual(await login(gw, old), { sub: 'old-key' })
      assert.deepEqual(await login(gw, old), { sub: 'old-key' })
      assert.deepEqual(await accepted(gw), { signature: 1, cache: 1 })
      // The issuer rotates: key a is gone. A token under the new kid makes the gateway fetch the set again.
      keys = [await jwk(b, 'b')]
      assert.deepEqual(await login(gw, await sign(b, 'b', 'new-key')), { sub: 'new-key' })
      assertRefused(await login(gw, old), 'ERR_JWKS_NO_KEY')
      assert.equal((await accepted(gw)).cache, 1)
    })
  } finally {
    server.close()
    server.closeAllConnections()
  }
})

// The gateway's "listener on" lines mean it is ready for signals too: a SIGHUP sent the moment they appear reloads
// the configuration (before, the lines came before the signal handler, and such a SIGHUP ended the process).
test('a SIGHUP right after the gateway says it listens reloads it, never ends it', async () => {
  for (let i = 0; i < 20; i++) {
    await withGateway({}, async (gw) => {
      await gw.reload((c) => (c.identity.token_cache_entries = 0))
      assert.ok(gw.child.exitCode === null && gw.child.signalCode === null, gw.output())
      assert.deepEqual(await login(gw, await token({ sub: 'after-hup', role: 'gw_user' })), { sub: 'after-hup' })
    })
  }
})

test('SIGHUP with a new secret: a token cached under the old one is refused', async () => {
  await withGateway({}, async (gw) => {
    const tok = await token({ sub: 'before-reload', role: 'gw_user' })
    assert.deepEqual(await login(gw, tok), { sub: 'before-reload' })
    assert.deepEqual(await login(gw, tok), { sub: 'before-reload' })
    assert.equal((await accepted(gw)).cache, 1)
    const secret = 'a-rotated-secret-of-at-least-thirty-two-bytes'
    writeFileSync(join(gw.dir, 'secret'), secret + '\n')
    await gw.reload()
    assert.deepEqual(await login(gw, await token({ sub: 'after-reload', role: 'gw_user' }, { secret })), { sub: 'after-reload' })
    assertRefused(await login(gw, tok), 'ERR_JWT_SIGNATURE')
  })
})

test('identity.token_cache_entries 0: every login checks the signature', async () => {
  await withGateway({}, async (gw) => {
    await gw.reload((c) => (c.identity.token_cache_entries = 0))
    const tok = await token({ sub: 'uncached', role: 'gw_user' })
    for (let i = 0; i < 3; i++) assert.deepEqual(await login(gw, tok), { sub: 'uncached' })
    assert.deepEqual(await accepted(gw), { signature: 3, cache: 0 })
  })
})
