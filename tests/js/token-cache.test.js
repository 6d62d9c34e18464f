// TokenCache races and limits (issue #12): an invalidation during a load wins over its result, loadTimeout bounds a
// loader that never settles, and tags may hold any character. Injected clock; the only waits are loadTimeouts of a
// few ms. Needs no services.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { TokenCache } from 'edgepg'

// A loader whose result the test hands over when it likes.
function deferred() {
  let resolve, reject
  const promise = new Promise((res, rej) => ((resolve = res), (reject = rej)))
  return { promise, resolve, reject }
}
const tick = () => new Promise((r) => setTimeout(r, 0))
// Settles with 'still pending' if p has not settled within ms: a hang shows as a failed assertion, not a stuck run.
const within = (p, ms) => Promise.race([p, new Promise((r) => setTimeout(() => r('still pending'), ms))])
// A cache whose wasm core is loaded, so that a get starts its load before the test's next step.
async function ready(options) {
  const cache = new TokenCache(options)
  await cache.peek('warm-up')
  return cache
}

test('invalidate during a load: the waiting callers get its value, nothing is stored, the next get loads afresh', async () => {
  const cache = await ready({ clock: () => 0 })
  const slow = deferred()
  let loads = 0
  const first = cache.get('k', () => (loads++, slow.promise))
  const joined = cache.get('k', () => (loads++, slow.promise))
  await tick()
  assert.equal(loads, 1)
  cache.invalidate('k') // e.g. the credential was rotated while the old one was being fetched
  const after = cache.get('k', async () => (loads++, { value: 'fresh', expiresAt: 1e12 }))
  slow.resolve({ value: 'stale', expiresAt: 1e12 })
  assert.equal(await first, 'stale', 'a caller that asked before the invalidation gets the value it waited for')
  assert.equal(await joined, 'stale')
  assert.equal(await after, 'fresh', 'a get after the invalidation does not join the invalidated load')
  assert.equal(loads, 2)
  assert.equal(await cache.peek('k'), 'fresh', 'the invalidated load stored nothing')
  assert.equal(await cache.get('k', async () => ({ value: 'never', expiresAt: 1e12 })), 'fresh')
})

test('invalidateTag and clear during a load win too; a load without the tag is stored', async () => {
  const cache = await ready({ clock: () => 0 })
  // invalidateTag: the value in flight carries the tag, so it is not stored, and a caller who joined after the
  // invalidation loads again instead of taking it.
  const tagged = deferred()
  const before = cache.get('t', () => tagged.promise)
  await tick()
  cache.invalidateTag('sub:alice')
  const joinedAfter = cache.get('t', async () => ({ value: 'fresh', expiresAt: 1e12, tags: ['sub:alice'] }))
  tagged.resolve({ value: 'stale', expiresAt: 1e12, tags: ['sub:alice'] })
  assert.equal(await before, 'stale')
  assert.equal(await joinedAfter, 'fresh')
  assert.equal(await cache.peek('t'), 'fresh')

  // A load whose value does not carry the invalidated tag is stored as usual.
  const other = deferred()
  const p = cache.get('o', () => other.promise)
  await tick()
  cache.invalidateTag('sub:alice')
  other.resolve({ value: 'kept', expiresAt: 1e12, tags: ['sub:bob'] })
  assert.equal(await p, 'kept')
  assert.equal(await cache.peek('o'), 'kept')

  // clear(): everything in flight is dropped too.
  const c = deferred()
  const pc = cache.get('c', () => c.promise)
  await tick()
  cache.clear()
  c.resolve({ value: 'stale', expiresAt: 1e12 })
  assert.equal(await pc, 'stale')
  assert.equal(await cache.peek('c'), undefined, 'clear() during the load wins')
  assert.equal(await cache.get('c', async () => ({ value: 'fresh', expiresAt: 1e12 })), 'fresh')
})

test('loadTimeout: a loader that never settles fails its callers with ETIMEDOUT; the next get loads afresh; a late settle stores nothing', async () => {
  const now = 0
  const cache = await ready({ loadTimeout: 20, errorCooldown: 60_000, clock: () => now })
  const hung = deferred()
  const callers = [cache.get('k', () => hung.promise), cache.get('k', () => hung.promise)]
  for (const c of callers) {
    const r = await within(c.then(() => 'resolved', (e) => e), 2000)
    assert.ok(r instanceof Error, `the caller must fail, got: ${r}`)
    assert.equal(r.code, 'ETIMEDOUT')
    assert.match(r.message, /loadTimeout \(20 ms\)/)
  }
  // The clock has not moved (no cooldown has passed) and yet the next get starts a new load.
  assert.equal(await cache.get('k', async () => ({ value: 'fresh', expiresAt: 1e12 })), 'fresh')
  hung.resolve({ value: 'late', expiresAt: 1e12 })
  await tick()
  assert.equal(await cache.peek('k'), 'fresh', 'the abandoned load settled late and stored nothing')

  // A late settle before any new load: still nothing stored, and no cooldown either.
  const hung2 = deferred()
  await assert.rejects(cache.get('k2', () => hung2.promise), { code: 'ETIMEDOUT' })
  hung2.resolve({ value: 'late', expiresAt: 1e12 })
  await tick()
  assert.equal(await cache.peek('k2'), undefined)
  assert.equal(await cache.get('k2', async () => ({ value: 'fresh', expiresAt: 1e12 })), 'fresh')

  // A refresh that hangs keeps the current value served (a failed refresh), and its late result is ignored.
  const hung3 = deferred()
  const refreshing = new TokenCache({ skew: 0, refreshWindow: 1e12, loadTimeout: 20, clock: () => now })
  await refreshing.set('r', 'current', 1e12)
  assert.equal(await refreshing.get('r', () => hung3.promise), 'current') // starts the refresh in the background
  await new Promise((r) => setTimeout(r, 40))
  hung3.resolve({ value: 'late', expiresAt: 2e12 })
  await tick()
  assert.equal(await refreshing.peek('r'), 'current')
})

test('tags may hold any character: newline, percent, empty, lone surrogates', async () => {
  const cache = await ready({ clock: () => 0 })
  const tags = { nl: 'sub:a\nsub:b', a: 'sub:a', b: 'sub:b', empty: '', pct: '%000a', bare: '\n', hi: '\ud800', lo: '\udc00', pair: '🐘' }
  for (const [key, tag] of Object.entries(tags)) await cache.set(key, key.toUpperCase(), 1e12, [tag])
  // Through get too: the loader's tags are encoded the same way.
  await cache.get('loaded', async () => ({ value: 'LOADED', expiresAt: 1e12, tags: ['x\ny'] }))
  const alive = async () => {
    const out = []
    for (const key of [...Object.keys(tags), 'loaded']) if ((await cache.peek(key)) !== undefined) out.push(key)
    return out
  }
  cache.invalidateTag('sub:a') // not 'sub:a\nsub:b'
  assert.deepEqual(await alive(), ['nl', 'b', 'empty', 'pct', 'bare', 'hi', 'lo', 'pair', 'loaded'])
  cache.invalidateTag('sub:a\nsub:b')
  assert.deepEqual(await alive(), ['b', 'empty', 'pct', 'bare', 'hi', 'lo', 'pair', 'loaded'])
  cache.invalidateTag('')
  assert.deepEqual(await alive(), ['b', 'pct', 'bare', 'hi', 'lo', 'pair', 'loaded'])
  cache.invalidateTag('\n') // not '%000a', its escaped form
  assert.deepEqual(await alive(), ['b', 'pct', 'hi', 'lo', 'pair', 'loaded'])
  cache.invalidateTag('\ud800') // not '\udc00', which the UTF-8 conversion would make the same bytes
  assert.deepEqual(await alive(), ['b', 'pct', 'lo', 'pair', 'loaded'])
  cache.invalidateTag('x\ny')
  assert.deepEqual(await alive(), ['b', 'pct', 'lo', 'pair'])
  for (const t of ['sub:b', '%000a', '\udc00', '🐘']) cache.invalidateTag(t)
  assert.deepEqual(await alive(), [])
})
