// A remote JWK Set, cached like jose's createRemoteJWKSet: fetched with the runtime's fetch and a timeout, kept for
// cacheMaxAge, refetched at most once per cooldown when a token names an unknown kid; bodies over 64 KiB refused.
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
    const ctrl = new AbortController()
    const timer = setTimeout(() => ctrl.abort(), timeout)
    const where = this.#url.origin + this.#url.pathname
    try {
      let res
      try {
        res = await fetch(this.#url.href, { signal: ctrl.signal, headers: { accept: 'application/json' }, redirect: 'manual' })
      } catch (e) {
        const why = ctrl.signal.aborted ? `timed out after ${timeout} ms` : 'network error'
        throw new EdgepgError('ERR_JWKS_FETCH', `could not fetch the JWKS from ${where}: ${why}`)
      }
      if (res.status !== 200) throw new EdgepgError('ERR_JWKS_FETCH', `the JWKS endpoint ${where} answered HTTP ${res.status}`)
      const declared = Number(res.headers.get('content-length'))
      if (declared > MAX_BODY) throw new EdgepgError('ERR_JWKS_FETCH', `the JWKS from ${where} is larger than 64 KiB`)
      const body = await readLimited(res, MAX_BODY, where)
      this.#text = body
      this.#fetchedAt = this.#options.clock()
    } finally {
      clearTimeout(timer)
    }
  }
}

async function readLimited(res, max, where) {
  if (!res.body || typeof res.body.getReader !== 'function') {
    const text = await res.text()
    if (text.length > max) throw new EdgepgError('ERR_JWKS_FETCH', `the JWKS from ${where} is larger than 64 KiB`)
    return text
  }
  const reader = res.body.getReader()
  const chunks = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > max) {
      reader.cancel().catch(() => {})
      throw new EdgepgError('ERR_JWKS_FETCH', `the JWKS from ${where} is larger than 64 KiB`)
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.byteLength
  }
  return new TextDecoder().decode(all)
}
