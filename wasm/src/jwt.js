// JWT verification in the wasm core (OpenSSL): verifyJwt() and the reusable verifier behind identityGate().
// Errors are EdgepgErrors with jose-like codes: ERR_JWT_MALFORMED, ERR_JWT_ALG, ERR_JWT_SIGNATURE, ERR_JWT_EXPIRED,
// ERR_JWT_NOT_YET_VALID, ERR_JWT_CLAIM, ERR_JWKS_NO_KEY, ERR_JWKS_FETCH (and ERR_JWKS_INVALID, EINVAL), and ours:
// ERR_JWT_REVOKED (invalidateSubject).
import { loadCore } from './core.js'
import { EdgepgError, errorName } from './errors.js'
import { RemoteJwks } from './jwks-remote.js'
import { TokenCache } from './token-cache.js'

function seconds(v, name) {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'number' && Number.isFinite(v)) return v
  const m = /^(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?$/.exec(String(v).trim())
  if (!m) throw new EdgepgError('EINVAL', `${name} must be a number of seconds or a duration like '30s', '5m', '1h'`)
  const unit = (m[2] ?? 's')[0]
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[unit]
}

const DAY = 86_400 // seconds
const MAX_DATE = 8.64e15 // ms: the range of a JS Date

const hasSub = (claims) => typeof claims?.sub === 'string' || typeof claims?.sub === 'number'

const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]).map(String).join('\n')

// The key a token names, for tagging its cached verification: 'jwk:kid:<kid>'; without a kid the core takes the
// one key of the set that fits the token's alg, a choice that depends on the whole set, so 'jwk:set'. Called after
// the token verified, so its header is well-formed; if it cannot be read anyway, the set tag is the safe side.
function keyTag(token) {
  try {
    const b64 = token.slice(0, token.indexOf('.')).replace(/-/g, '+').replace(/_/g, '/')
    const bytes = Uint8Array.from(atob(b64 + '='.repeat((4 - (b64.length % 4)) % 4)), (c) => c.charCodeAt(0))
    const kid = JSON.parse(new TextDecoder().decode(bytes)).kid
    if (typeof kid === 'string') return 'jwk:kid:' + kid
  } catch {}
  return 'jwk:set'
}

// What each tag of keyTag() stands for in a JWKS text: the keys with that kid, and the whole set. When the set
// changes, a tag whose keys differ (removed, or replaced under the same kid) drops the verifications made with it.
function keyIdentities(text) {
  const keys = JSON.parse(text).keys
  const ids = new Map()
  const all = []
  for (const k of Array.isArray(keys) ? keys : []) {
    const id = JSON.stringify(k)
    all.push(id)
    if (typeof k?.kid === 'string') ids.set('jwk:kid:' + k.kid, (ids.get('jwk:kid:' + k.kid) ?? '') + id + '\n')
  }
  ids.set('jwk:set', all.sort().join('\n'))
  return ids
}

// A verifier for one key source and one set of rules, reusable across tokens (keys parsed once).
export class JwtVerifier {
  #options
  #core = null
  #native = null
  #remote = null
  #remoteText = null
  #remoteKeys = null // keyIdentities(#remoteText)
  #cache
  // Revocations by invalidateSubject: subject -> time (ms since the epoch); that subject's tokens issued at or before
  // it are refused. Memory is bounded by time, not count: an entry is forgotten once older than revocationRetention
  // (default the larger of maxTokenAge and 24 h; by then the tokens it refuses should have expired, or maxTokenAge
  // refuses them anyway). Expired entries go when looked up and in a sweep whenever the map has doubled since the
  // last one, so it holds about the subjects revoked within one retention (at least 64 between sweeps).
  #revoked = new Map()
  #sweepAt = 64
  #retentionMs

  constructor(options = {}) {
    const { jwks, jwksUrl, secret } = options
    const sources = [jwks, jwksUrl, secret].filter((x) => x !== undefined && x !== null).length
    if (sources !== 1) throw new EdgepgError('EINVAL', 'pass exactly one of jwks, jwksUrl or secret')
    if (secret === undefined && !(options.algorithms?.length > 0)) {
      throw new EdgepgError('EINVAL', "algorithms is required with public keys, e.g. algorithms: ['RS256']")
    }
    this.#options = {
      ...options,
      clockTolerance: seconds(options.clockTolerance, 'clockTolerance') ?? 30,
      maxTokenAge: seconds(options.maxTokenAge, 'maxTokenAge'),
      revocationRetention: seconds(options.revocationRetention, 'revocationRetention'),
    }
    this.#retentionMs = (this.#options.revocationRetention ?? Math.max(this.#options.maxTokenAge ?? 0, DAY)) * 1000
    if (jwksUrl !== undefined) this.#remote = new RemoteJwks(jwksUrl, options)
    this.#cache = options.cache === false ? null : new TokenCache({ errorCooldown: 0, skew: 0, refreshWindow: 0, clock: options.clock })
  }

  async #ready() {
    if (this.#native) return this.#native
    const core = (this.#core = await loadCore())
    const v = new core.JwtVerifier()
    const o = this.#options
    v.setOptions(list(o.algorithms ?? (o.secret !== undefined ? ['HS256', 'HS384', 'HS512'] : [])), list(o.issuer),
      list(o.audience), list(o.requiredClaims), o.clockTolerance, o.maxTokenAge ?? -1, o.maxTokenBytes ?? 0)
    if (o.secret !== undefined) {
      const bytes = typeof o.secret === 'string' ? new TextEncoder().encode(o.secret) : o.secret
      if (!(bytes instanceof Uint8Array)) throw new EdgepgError('EINVAL', 'secret must be a string or a Uint8Array')
      this.#check(v, v.setSecret(bytes))
    } else if (o.jwks !== undefined) {
      this.#check(v, v.setJwks(typeof o.jwks === 'string' ? o.jwks : JSON.stringify(o.jwks)))
    }
    this.#native = v
    return v
  }

  #check(v, code) {
    if (code !== 0) throw new EdgepgError(errorName(code), v.lastErrorMessage())
  }

  async #syncRemote(v) {
    const text = await this.#remote.current()
    if (text !== this.#remoteText) {
      this.#check(v, v.setJwks(text))
      const first = this.#remoteText === null
      const before = this.#remoteKeys
      let after = null
      try {
        after = keyIdentities(text)
      } catch {} // the core took it but JSON.parse did not: the keys are unknown, so nothing cached may stay
      this.#remoteText = text
      this.#remoteKeys = after
      if (first || !this.#cache) return
      // A key gone from the set (or replaced under its kid) must stop verifying tokens at once, cached or not, as
      // with jose's remote set (ERR_JWKS_NO_MATCHING_KEY): the cached verifications tagged with it are dropped.
      if (before === null || after === null) return this.#cache.clear()
      for (const [tag, id] of before) if (after.get(tag) !== id) this.#cache.invalidateTag(tag)
    }
  }

  #now(currentDate) {
    const o = this.#options
    const d = currentDate ?? o.currentDate
    if (d) return d.getTime()
    return o.clock ? o.clock() : Date.now()
  }

  // The verified claims (an object), or an EdgepgError saying why not. Never echoes the token.
  // currentDate overrides the clock for this call (tests, replay of recorded requests).
  async verify(token, { tags, currentDate } = {}) {
    if (typeof token !== 'string' || token === '') throw new EdgepgError('ERR_JWT_MALFORMED', 'no token')
    // Refused before it crosses into wasm: a huge token costs nothing but this comparison (the core checks again).
    const max = this.#options.maxTokenBytes ?? 16 * 1024
    if (token.length > max) throw new EdgepgError('ERR_JWT_MALFORMED', `the token is longer than ${max} bytes (maxTokenBytes)`)
    if (!this.#cache) return this.#notRevoked(JSON.parse(await this.#verifyNow(token, currentDate)), currentDate)
    const v = await this.#ready()
    // A cache hit honours the JWKS's cacheMaxAge as a miss does: a stale set is fetched again first, and the keys it
    // no longer has take their cached verifications with them (#syncRemote).
    if (this.#remote) await this.#syncRemote(v)
    const key = this.#core.sha256Hex(token)
    const json = await this.#cache.get(key, async () => {
      const claimsJson = await this.#verifyNow(token, currentDate)
      const claims = JSON.parse(claimsJson)
      // Reused until exp (or the end of maxTokenAge), never longer; without exp, for one minute.
      let until = Number.isFinite(claims.exp) ? claims.exp * 1000 : this.#now() + 60_000
      if (this.#options.maxTokenAge !== undefined && Number.isFinite(claims.iat)) until = Math.min(until, (claims.iat + this.#options.maxTokenAge) * 1000)
      const allTags = [...(tags ?? []), ...(hasSub(claims) ? ['sub:' + String(claims.sub)] : [])]
      if (this.#remote) allTags.push(keyTag(token))
      return { value: claimsJson, expiresAt: until, tags: allTags }
    })
    return this.#notRevoked(JSON.parse(json), currentDate)
  }

  // Checked on every verification, cached or fresh: a revocation outlives the cache entries it dropped.
  #notRevoked(claims, currentDate) {
    if (this.#revoked.size === 0 || !hasSub(claims)) return claims
    const sub = String(claims.sub)
    const at = this.#revoked.get(sub)
    if (at === undefined) return claims
    if (at + this.#retentionMs <= this.#now(currentDate)) {
      this.#revoked.delete(sub)
      return claims
    }
    // iat is in seconds: a token issued in the second of the revocation is refused too (the safe side).
    if (!Number.isFinite(claims.iat) || claims.iat * 1000 <= at) {
      throw new EdgepgError('ERR_JWT_REVOKED', `this subject's tokens issued at or before ${new Date(at).toISOString()} were revoked; get a new token`)
    }
    return claims
  }

  // Frees the keys held in wasm memory.
  dispose() {
    this.#native?.delete()
    this.#native = null
  }

  // Revokes the subject's tokens issued at or before atMs (ms since the epoch; default now), e.g. when its roles
  // changed: from now on they are refused with ERR_JWT_REVOKED, cached or not, and tokens without iat too; a token
  // issued after atMs (the one with the new roles) is accepted. Revoking again never moves the time back. The
  // revocation is forgotten after revocationRetention (see #revoked): set it to at least your tokens' lifetime.
  invalidateSubject(sub, atMs) {
    if (typeof sub !== 'string' && typeof sub !== 'number') throw new EdgepgError('EINVAL', 'invalidateSubject: sub must be a string')
    const now = this.#now()
    const at = atMs ?? now
    if (typeof at !== 'number' || !Number.isFinite(at) || Math.abs(at) > MAX_DATE) {
      throw new EdgepgError('EINVAL', 'invalidateSubject: atMs must be a time in ms since the epoch')
    }
    const key = String(sub)
    this.#revoked.set(key, Math.max(at, this.#revoked.get(key) ?? -Infinity))
    if (this.#revoked.size >= this.#sweepAt) {
      for (const [s, t] of this.#revoked) if (t + this.#retentionMs <= now) this.#revoked.delete(s)
      this.#sweepAt = Math.max(64, 2 * this.#revoked.size)
    }
    this.#cache?.invalidateTag('sub:' + key)
  }

  async #verifyNow(token, currentDate) {
    const v = await this.#ready()
    if (this.#remote) await this.#syncRemote(v)
    const now = this.#now(currentDate) / 1000
    let code = v.verify(token, now)
    if (code !== 0 && errorName(code) === 'ERR_JWKS_NO_KEY' && this.#remote && (await this.#remote.refetchForUnknownKid())) {
      await this.#syncRemote(v)
      code = v.verify(token, now)
    }
    this.#check(v, code)
    return v.claims()
  }
}

// verifyJwt(token, { jwks | jwksUrl | secret, algorithms, issuer, audience, clockTolerance, maxTokenAge,
// requiredClaims, currentDate }) -> claims. Verifiers (parsed keys, remote JWKS caches) are kept per rule set, a few
// dozen at most, so repeated calls neither re-parse keys nor refetch a JWKS (jose's createRemoteJWKSet semantics).
const verifiers = new Map()
const MAX_VERIFIERS = 32

export async function verifyJwt(token, options = {}) {
  const core = await loadCore()
  const { currentDate, fetch, clock, ...rules } = options
  const id = core.sha256Hex(JSON.stringify(rules, (k, v) => (v instanceof Uint8Array ? Array.from(v) : v)))
  let v = verifiers.get(id)
  if (v) {
    verifiers.delete(id) // re-insert as most recently used
  } else {
    v = new JwtVerifier({ ...options, currentDate: undefined, cache: false })
    if (verifiers.size >= MAX_VERIFIERS) {
      const [oldest, old] = verifiers.entries().next().value
      verifiers.delete(oldest)
      old.dispose()
    }
  }
  verifiers.set(id, v)
  return v.verify(token, { currentDate })
}
