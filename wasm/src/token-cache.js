// TokenCache: values that expire (tokens, credentials, verified claims), kept by the wasm core's cache (TTL with
// skew, refresh ahead, error cooldown, LRU, tags). This file adds what only JS can do: run loaders as promises
// and share one load among concurrent callers (single flight), bound a load by loadTimeout, and keep an invalidation
// that happens during a load from being undone by its result. The clock is injectable, so tests never sleep.
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'

// Tags cross into the core as one '\n'-separated string, and the core drops empty lines, so each tag is escaped: a
// tag may hold any character ('\n', '%', lone surrogates, which the UTF-8 conversion would mangle) and still be
// exactly one tag. Each escaped UTF-16 unit becomes '%' and 4 hex digits; the empty tag is a lone '%', which no
// other tag's encoding can be. set, get and invalidateTag all go through here, so the encoding never shows.
const encodeTag = (tag) => {
  const s = String(tag)
  return s === '' ? '%' : s.replace(/[%\n\ud800-\udfff]/g, (c) => '%' + c.charCodeAt(0).toString(16).padStart(4, '0'))
}
const encodeTags = (tags) => (tags ?? []).map(encodeTag).join('\n')

export class TokenCache {
  #options
  #core = null
  #cache = null
  // key -> the load in flight: { promise, abandoned, timedOut, droppedTags, discardedAt }. A load is one generation
  // of its key, and an invalidation during it must win over its result:
  // - invalidate(key) and clear() abandon it at once: its callers still get the value they waited for, but it stores
  //   nothing and no longer owns the key, so the next get starts a new load instead of joining it;
  // - invalidateTag(tag) cannot know yet whether the load will carry the tag: the load remembers the tag with the
  //   #generation of that invalidation (droppedTags), and if its value carries it, it is not stored (discardedAt);
  //   callers that joined the load after that invalidation load again instead of taking its value.
  // abandoned is also set when the core hands the key to a newer load; timedOut when loadTimeout passed (its callers
  // got ETIMEDOUT). Either way it no longer touches the core: whatever it settles with later stores nothing.
  #inflight = new Map()
  #generation = 0 // counts invalidateTag calls

  constructor(options = {}) {
    this.#options = {
      skew: options.skew ?? 10_000,
      refreshWindow: options.refreshWindow ?? 5 * 60_000,
      errorCooldown: options.errorCooldown ?? 1_000,
      loadTimeout: options.loadTimeout > 0 ? options.loadTimeout : 30_000, // as the core reads it
      maxEntries: options.maxEntries ?? 1024,
      clock: options.clock ?? (() => Date.now()),
    }
  }

  async #ready() {
    if (!this.#cache) {
      this.#core = await loadCore()
      const o = this.#options
      this.#cache ??= new this.#core.TokenCache(o.skew, o.refreshWindow, o.errorCooldown, o.loadTimeout, o.maxEntries)
    }
    return this.#cache
  }

  // The cached value for key, or the value loader() gives: { value, expiresAt (ms), tags? }. Concurrent gets of one
  // key share one load; inside the refresh window the current value is served while one refresh runs behind it.
  async get(key, loader) {
    const cache = this.#cache ?? (await this.#ready())
    const now = this.#options.clock()
    const r = cache.lookup(key, now)
    if (r.load) {
      const p = this.#load(cache, key, loader)
      if (r.hasValue) {
        p.catch(() => {}) // a failed refresh keeps the current value; the cooldown holds off retries
        return r.value
      }
      return p
    }
    if (r.hasValue) return r.value
    const pending = this.#inflight.get(key)
    if (pending) {
      const joinedAt = this.#generation
      const value = await pending.promise
      // Its value was dropped by an invalidateTag made before this caller asked: not for this caller.
      if (pending.discardedAt !== undefined && pending.discardedAt <= joinedAt) return this.get(key, loader)
      return value
    }
    throw new EdgepgError('ECACHE', `loading "${key}" failed recently; retry after the error cooldown: ${r.error}`)
  }

  #load(cache, key, loader) {
    // The core only hands out a key whose load is still marked in flight once loadTimeout has passed on the injected
    // clock: that older load no longer owns the key.
    const previous = this.#inflight.get(key)
    if (previous) previous.abandoned = true
    const load = { promise: null, abandoned: false, timedOut: false, droppedTags: null, discardedAt: undefined }
    let settle
    load.promise = new Promise((resolve, reject) => (settle = { resolve, reject }))
    this.#inflight.set(key, load) // before the loader runs: it may settle (or throw) at once
    const done = () => {
      if (this.#inflight.get(key) === load) this.#inflight.delete(key)
    }
    // A real timer, not the injected clock (which wakes nobody): a loader that never settles must not hang its
    // callers. Cleared as soon as the load settles; whatever the loader gives after it fired is ignored.
    const ms = this.#options.loadTimeout
    const onTimeout = () => {
      load.timedOut = true
      if (!load.abandoned) this.#fail(cache, key, load, null)
      done()
      const why = `loading "${key}" did not finish within loadTimeout (${ms} ms); the next get starts a new load`
      settle.reject(new EdgepgError('ETIMEDOUT', why))
    }
    const timer = ms <= 0x7fffffff ? setTimeout(onTimeout, ms) : null // beyond setTimeout's range: as good as no limit
    ;(async () => {
      try {
        const loaded = await loader()
        if (!loaded || typeof loaded.value !== 'string' || !Number.isFinite(loaded.expiresAt)) {
          throw new EdgepgError('EINVAL', 'a TokenCache loader must return { value: string, expiresAt: ms since the epoch }')
        }
        if (load.timedOut) return
        if (!load.abandoned) this.#store(cache, key, load, loaded)
        settle.resolve(loaded.value)
      } catch (e) {
        if (load.timedOut) return
        if (!load.abandoned) this.#fail(cache, key, load, e)
        settle.reject(e)
      } finally {
        if (!load.timedOut) {
          clearTimeout(timer)
          done()
        }
      }
    })()
    return load.promise
  }

  #store(cache, key, load, loaded) {
    const tags = (loaded.tags ?? []).map(String)
    cache.completeLoad(key, loaded.value, loaded.expiresAt, encodeTags(tags), this.#options.clock())
    const dropped = tags.map((t) => load.droppedTags?.get(t)).filter((g) => g !== undefined)
    if (dropped.length > 0) {
      // A tag it carries was invalidated while it loaded: the value may predate that, so it is not served afterwards.
      // (Stored, then dropped: this ends the core's load without an error cooldown.)
      load.discardedAt = Math.min(...dropped)
      cache.invalidate(key)
    }
  }

  #fail(cache, key, load, e) {
    const now = this.#options.clock()
    cache.failLoad(key, load.timedOut ? 'ETIMEDOUT' : String(e?.code ?? 'load failed'), now)
    // Timed out: a still-usable value (a refresh that hung) stays, with the cooldown of a failed refresh; with none,
    // the next get starts a new load at once rather than failing for the cooldown.
    if (load.timedOut && !cache.peek(key, now).hasValue) cache.invalidate(key)
  }

  // An invalidated key's load in flight stops owning the key: ended in the core without a value or a cooldown.
  #abandon(cache, key) {
    const load = this.#inflight.get(key)
    if (!load) return
    load.abandoned = true
    this.#inflight.delete(key)
    cache.failLoad(key, 'invalidated', this.#options.clock())
    cache.invalidate(key)
  }

  // The usable value, or undefined; never starts a load.
  async peek(key) {
    const r = (await this.#ready()).peek(key, this.#options.clock())
    return r.hasValue ? r.value : undefined
  }

  // Stores a value known by other means (e.g. SCRAM keys learnt during a login).
  async set(key, value, expiresAt, tags = []) {
    const cache = await this.#ready()
    if (cache.completeLoad(key, value, expiresAt, encodeTags(tags), this.#options.clock()) !== 0) {
      throw new EdgepgError('EINVAL', 'TokenCache.set: the value expires before it could be used')
    }
  }

  // Drop values. A load in flight for them still answers the callers already waiting, but stores nothing (#inflight).
  invalidate(key) {
    if (!this.#cache) return
    this.#cache.invalidate(key)
    this.#abandon(this.#cache, key)
  }

  invalidateTag(tag) {
    if (!this.#cache) return
    this.#cache.invalidateTag(encodeTag(tag))
    const generation = ++this.#generation
    const t = String(tag)
    for (const load of this.#inflight.values()) {
      load.droppedTags ??= new Map()
      if (!load.droppedTags.has(t)) load.droppedTags.set(t, generation)
    }
  }

  clear() {
    if (!this.#cache) return
    this.#cache.clear()
    for (const key of [...this.#inflight.keys()]) this.#abandon(this.#cache, key)
  }

  get size() {
    return this.#cache ? this.#cache.size() : 0
  }
}
