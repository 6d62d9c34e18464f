// Short-lived credentials: TokenCache semantics (injected clock, no sleeping), RDS IAM tokens against
// @aws-sdk/rds-signer, password providers, and SCRAM key reuse against the real PostgreSQL.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import { Signer } from '@aws-sdk/rds-signer'
import { TokenCache, rdsAuthToken, rdsIamPassword, Client, Pool } from 'edgepg'
import { loadCore } from '../../wasm/src/core.js'
import { getServices, clientConfig, ROLES } from '../support/env.js'
import { psql } from '../support/services.js'

let svc
before(async () => {
  svc = await getServices()
})

test('TokenCache: never serves a value at or after expiresAt - skew (random schedules)', async () => {
  let now = 1_000_000
  const cache = new TokenCache({ skew: 1000, refreshWindow: 5000, errorCooldown: 100, clock: () => now })
  let seed = 42
  const rand = (n) => ((seed = (seed * 1103515245 + 12345) % 2147483648), seed % n)
  let version = 0
  const issued = new Map() // value -> expiresAt
  for (let step = 0; step < 2000; step++) {
    now += rand(3000)
    const value = await cache.get('k', async () => {
      const v = 'v' + ++version
      const expiresAt = now + 2000 + rand(20000)
      issued.set(v, expiresAt)
      return { value: v, expiresAt }
    })
    assert.ok(now < issued.get(value) - 1000, `served ${value} at ${now}, usable until ${issued.get(value) - 1000}`)
  }
  assert.ok(version > 10)
})

test('TokenCache: refresh ahead once inside the window while serving the current value', async () => {
  let now = 0
  const cache = new TokenCache({ skew: 0, refreshWindow: 60_000, clock: () => now })
  let loads = 0
  let release
  const loader = () => {
    loads++
    if (loads === 1) return { value: 'first', expiresAt: 600_000 }
    return new Promise((r) => (release = () => r({ value: 'second', expiresAt: 1_200_000 })))
  }
  assert.equal(await cache.get('k', loader), 'first')
  now = 550_000 // inside the refresh window
  assert.equal(await cache.get('k', loader), 'first')
  assert.equal(await cache.get('k', loader), 'first')
  assert.equal(loads, 2, 'exactly one refresh started')
  release()
  await new Promise((r) => setTimeout(r, 0))
  assert.equal(await cache.get('k', loader), 'second')
})

test('TokenCache: 100 concurrent gets share one load; a failing load does not evict a valid value', async () => {
  let now = 0
  const cache = new TokenCache({ skew: 0, refreshWindow: 1000, errorCooldown: 500, clock: () => now })
  let loads = 0
  const slow = () => new Promise((r) => setTimeout(() => r({ value: 'v' + ++loads, expiresAt: 10_000 }), 10))
  const values = await Promise.all(Array.from({ length: 100 }, () => cache.get('k', slow)))
  assert.equal(loads, 1)
  assert.ok(values.every((v) => v === 'v1'))
  now = 9_500 // refresh window: the refresh fails, the value stays
  assert.equal(await cache.get('k', async () => { throw new Error('provider down') }), 'v1')
  await new Promise((r) => setTimeout(r, 0))
  assert.equal(await cache.get('k', slow), 'v1')
  now = 10_000 // expired: the next get loads (cooldown over)
  assert.equal(await cache.get('k', slow), 'v2')
})

test('TokenCache: LRU bound, invalidate, invalidateTag drops exactly the tagged keys', async () => {
  const cache = new TokenCache({ maxEntries: 3, clock: () => 0 })
  const load = (v, tags) => async () => ({ value: v, expiresAt: 1e12, tags })
  await cache.get('a', load('A', ['sub:1']))
  await cache.get('b', load('B', ['sub:2']))
  await cache.get('c', load('C', ['sub:1']))
  await cache.get('d', load('D', [])) // evicts a (least recently used)
  assert.equal(cache.size, 3)
  let reloaded = 0
  assert.equal(await cache.get('a', async () => (reloaded++, { value: 'A2', expiresAt: 1e12 })), 'A2')
  assert.equal(reloaded, 1)
  assert.equal(await cache.peek('b'), undefined, 'b was the least recently used when a came back')
  cache.invalidateTag('sub:1') // c carries it; a's new value does not
  assert.equal(await cache.peek('c'), undefined)
  assert.equal(await cache.peek('a'), 'A2')
  assert.equal(await cache.peek('d'), 'D')
  cache.invalidate('d')
  assert.equal(await cache.peek('d'), undefined)
})

test('rdsAuthToken gives exactly the string @aws-sdk/rds-signer gives, over many random inputs', async () => {
  let seed = 7
  const rand = (n) => ((seed = (seed * 48271) % 2147483647), seed % n)
  const chars = 'abcXYZ019_-.~ @+/=:!*()\'%é東🐘'
  const pick = (len) => Array.from({ length: len }, () => [...chars][rand([...chars].length)]).join('')
  for (let i = 0; i < 60; i++) {
    const opts = {
      hostname: `db-${i}.cluster-${rand(1000)}.eu-west-${1 + rand(3)}.rds.amazonaws.com`,
      port: [5432, 3306, 6543, 1][rand(4)],
      username: pick(1 + rand(20)),
      region: ['us-east-1', 'eu-west-1', 'ap-southeast-2'][rand(3)],
      credentials: { accessKeyId: 'AKIA' + rand(1e9), secretAccessKey: pick(40), ...(i % 2 ? { sessionToken: pick(60) } : {}) },
    }
    const now = new Date(Date.UTC(2024, rand(12), 1 + rand(28), rand(24), rand(60), rand(60)))
    const signer = new Signer({ ...opts, credentials: opts.credentials })
    const expected = await withFixedClock(now, () => signer.getAuthToken())
    assert.equal(await rdsAuthToken({ ...opts, now }), expected)
  }
})

// @aws-sdk/rds-signer reads the clock itself: fix Date for the duration of one call.
async function withFixedClock(date, fn) {
  const RealDate = Date
  const fixed = date.getTime()
  class FixedDate extends RealDate {
    constructor(...args) {
      super(...(args.length ? args : [fixed]))
    }
    static now() {
      return fixed
    }
  }
  globalThis.Date = FixedDate
  try {
    return await fn()
  } finally {
    globalThis.Date = RealDate
  }
}

test('rdsIamPassword caches the token for 15 minutes minus the refresh window', async () => {
  let now = Date.UTC(2025, 0, 1)
  const provider = rdsIamPassword({ hostname: 'h.example', port: 5432, username: 'u', region: 'us-east-1', credentials: { accessKeyId: 'AK', secretAccessKey: 'SK' }, clock: () => now })
  const t1 = await provider()
  now += 60_000
  assert.equal(await provider(), t1)
  now += 10 * 60_000 // inside the 5-minute refresh window: a new token is made behind the current one
  assert.equal(await provider(), t1)
  await new Promise((r) => setTimeout(r, 0))
  const t2 = await provider()
  assert.notEqual(t2, t1)
  assert.match(t2, /X-Amz-Date=20250101T001100Z/)
})

test('password providers are called per new connection and never appear in errors', async () => {
  let calls = 0
  let connections = 0
  const pool = new Pool({ ...clientConfig(svc), password: async () => (calls++, ROLES.scram.password), max: 2 })
  pool.on('connect', () => connections++)
  await Promise.all([pool.query('select 1'), pool.query('select 2'), pool.query('select 3')])
  await pool.query('select 4') // an idle connection is reused: no new login, no provider call
  assert.equal(calls, connections)
  assert.equal(connections, 2)
  await pool.end()
  const c = new Client({ ...clientConfig(svc), password: () => { throw new Error('vault unavailable') } })
  await assert.rejects(c.connect(), (e) => e.code === 'EAUTH' && /password provider failed/.test(e.message))
})

test('SCRAM key cache: a reconnect skips PBKDF2; a changed password derives afresh once', async () => {
  const core = await loadCore()
  psql(svc, "create role scram_cache_user login password 'first-password'", 'grant connect on database edgepg_test to scram_cache_user')
  const cfg = (password) => ({ ...clientConfig(svc), user: 'scram_cache_user', password })
  const connectOnce = async (password) => {
    const before = core.pbkdf2Count()
    const c = new Client(cfg(password))
    await c.connect()
    const used = c.scramUsedCachedKeys
    assert.equal((await c.query('select current_user as u')).rows[0].u, 'scram_cache_user')
    await c.end()
    return { derivations: core.pbkdf2Count() - before, used }
  }
  assert.deepEqual(await connectOnce('first-password'), { derivations: 1, used: false })
  assert.deepEqual(await connectOnce('first-password'), { derivations: 0, used: true })
  psql(svc, "alter role scram_cache_user password 'second-password'")
  // The old password now fails (server side), with no derivation cached for it being any use.
  await assert.rejects(connectOnce('first-password'), { code: '28P01' })
  assert.deepEqual(await connectOnce('second-password'), { derivations: 1, used: false })
  assert.deepEqual(await connectOnce('second-password'), { derivations: 0, used: true })
})
