// A remote JWK Set, cached like jose's createRemoteJWKSet: fetched with the runtime's fetch and a timeout, kept for
// cacheMaxAge, refetched at most once per cooldown when a token names an unknown kid; bodies over 64 KiB refused
// (bounded-fetch.js).
import { boundedFetch, FetchFailure } from './bounded-fetch.js'
import { EdgepgError } from './errors.js'

const MAX_BODY = 64 * 1024

export class RemoteJwks {
  #url
  #options
  #text = null
  #fetchedAt = -Infinity
  #pending = null

  constructor(url, options = {}) {
    try {
      this.#url = new URL(url)
    } catch {
      throw new EdgepgError('EINVAL', 'jwksUrl is not a valid URL')
    }
    this.#options = {
      cacheMaxAge: options.cacheMaxAge ?? 10 * 60_000,
      cooldown: options.cooldownDuration ?? 30_000,
      timeout: options.timeoutDuration ?? 5_000,
      fetch: options.fetch ?? globalThis.fetch,
      clock: options.clock ?? (() => Date.now()),
    }
  }

  // The JWKS text, fetched when there is none or it is older than cacheMaxAge.
  async current() {
    if (this.#text === null || this.#options.clock() - this.#fetchedAt >= this.#options.cacheMaxAge) await this.refetch()
    return this.#text
  }

  // Refetch after an unknown kid, unless one happened within the cooldown. Returns whether a refetch was done.
  async refetchForUnknownKid() {
    if (this.#options.clock() - this.#fetchedAt < this.#options.cooldown) return false
    await this.refetch()
    return true
  }

  refetch() {
    this.#pending ??= this.#fetch().finally(() => {
      this.#pending = null
    })
    return this.#pending
  }

  async #fetch() {
    const { fetch, timeout } = this.#options
    if (typeof fetch !== 'function') throw new EdgepgError('ERR_JWKS_FETCH', 'no fetch in this runtime: pass jwks instead of jwksUrl')
    const where = this.#url.origin + this.#url.pathname
    const check = (res) => {
      if (res.status !== 200) throw new EdgepgError('ERR_JWKS_FETCH', `the JWKS endpoint ${where} answered HTTP ${res.status}`)
    }
    let res
    try {
      res = await boundedFetch(fetch, this.#url.href, { headers: { accept: 'application/json' } }, { timeout, maxBytes: MAX_BODY, check })
    } catch (e) {
      if (!(e instanceof FetchFailure)) throw e
      if (e.reason === 'too-large') throw new EdgepgError('ERR_JWKS_FETCH', `the JWKS from ${where} is larger than 64 KiB`)
      const why = { timeout: `timed out after ${timeout} ms`, network: 'network error', unreadable: 'the answer could not be read' }[e.reason]
      throw new EdgepgError('ERR_JWKS_FETCH', `could not fetch the JWKS from ${where}: ${why}`)
    }
    this.#text = res.body
    this.#fetchedAt = this.#options.clock()
  }
}
