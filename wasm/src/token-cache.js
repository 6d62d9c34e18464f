// TokenCache: values that expire (tokens, credentials, verified claims), kept by the wasm core's cache (TTL with
// skew, refresh ahead, error cooldown, LRU, tags). This file adds what only JS can do: run loaders as promises
// and share one load among concurrent callers (single flight). The clock is injectable, so tests never sleep.
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'

export class TokenCache {
  #options
  #core = null
  #cache = null
  #inflight = new Map() // key -> promise of the value being loaded

  constructor(options = {}) {
    this.#options = {
      skew: options.skew ?? 10_000,
      refreshWindow: options.refreshWindow ?? 5 * 60_000,
      errorCooldown: options.errorCooldown ?? 1_000,
      loadTimeout: options.loadTimeout ?? 30_000,
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
    if (pending) return pending
    throw new EdgepgError('ECACHE', `loading "${key}" failed recently; retry after the error cooldown: ${r.error}`)
  }

  #load(cache, key, loader) {
    const p = (async () => {
      try {
        const loaded = await loader()
        if (!loaded || typeof loaded.value !== 'string' || !Number.isFinite(loaded.expiresAt)) {
          throw new EdgepgError('EINVAL', 'a TokenCache loader must return { value: string, expiresAt: ms since the epoch }')
        }
        cache.completeLoad(key, loaded.value, loaded.expiresAt, (loaded.tags ?? []).join('\n'), this.#options.clock())
        return loaded.value
      } catch (e) {
        cache.failLoad(key, String(e?.code ?? 'load failed'), this.#options.clock())
        throw e
      } finally {
        this.#inflight.delete(key)
      }
    })()
    this.#inflight.set(key, p)
    return p
  }

  // The usable value, or undefined; never starts a load.
  async peek(key) {
    const r = (await this.#ready()).peek(key, this.#options.clock())
    return r.hasValue ? r.value : undefined
  }

  // Stores a value known by other means (e.g. SCRAM keys learnt during a login).
  async set(key, value, expiresAt, tags = []) {
    const cache = await this.#ready()
    if (cache.completeLoad(key, value, expiresAt, tags.join('\n'), this.#options.clock()) !== 0) {
      throw new EdgepgError('EINVAL', 'TokenCache.set: the value expires before it could be used')
    }
  }

  invalidate(key) {
    this.#cache?.invalidate(key)
  }

  invalidateTag(tag) {
    this.#cache?.invalidateTag(tag)
  }

  clear() {
    this.#cache?.clear()
  }

  get size() {
    return this.#cache ? this.#cache.size() : 0
  }
}
