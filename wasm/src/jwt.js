// JWT verification in the wasm core (OpenSSL): verifyJwt() and the reusable verifier behind identityGate().
// Errors are EdgepgErrors with jose-like codes: ERR_JWT_MALFORMED, ERR_JWT_ALG, ERR_JWT_SIGNATURE, ERR_JWT_EXPIRED,
// ERR_JWT_NOT_YET_VALID, ERR_JWT_CLAIM, ERR_JWKS_NO_KEY, ERR_JWKS_FETCH (and ERR_JWKS_INVALID, EINVAL).
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'
import { RemoteJwks } from './jwks-remote.js'
import { TokenCache } from './token-cache.js'

const JWKS_NO_KEY = 7 // JwtErrc::jwks_no_key

function seconds(v, name) {
  if (v === undefined || v === null) return undefined
  if (typeof v === 'number' && Number.isFinite(v)) return v
  const m = /^(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?|d|days?)?$/.exec(String(v).trim())
  if (!m) throw new EdgepgError('EINVAL', `${name} must be a number of seconds or a duration like '30s', '5m', '1h'`)
  const unit = (m[2] ?? 's')[0]
  return Number(m[1]) * { s: 1, m: 60, h: 3600, d: 86400 }[unit]
}

const list = (v) => (v === undefined || v === null ? [] : Array.isArray(v) ? v : [v]).map(String).join('\n')

// A verifier for one key source and one set of rules, reusable across tokens (keys parsed once).
export class JwtVerifier {
  #options
  #core = null
  #native = null
  #remote = null
  #remoteText = null
  #cache

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
    }
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
    if (code !== 0) throw new EdgepgError(v.lastErrorName() || 'EINVAL', v.lastErrorMessage())
  }

  async #syncRemote(v) {
    const text = await this.#remote.current()
    if (text !== this.#remoteText) {
      this.#check(v, v.setJwks(text))
      this.#remoteText = text
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
    if (!this.#cache) return JSON.parse(await this.#verifyNow(token, currentDate))
    await this.#ready()
    const key = this.#core.sha256Hex(token)
    const json = await this.#cache.get(key, async () => {
      const claimsJson = await this.#verifyNow(token, currentDate)
      const claims = JSON.parse(claimsJson)
      // Reused until exp (or the end of maxTokenAge), never longer; without exp, for one minute.
      let until = Number.isFinite(claims.exp) ? claims.exp * 1000 : this.#now() + 60_000
      if (this.#options.maxTokenAge !== undefined && Number.isFinite(claims.iat)) until = Math.min(until, (claims.iat + this.#options.maxTokenAge) * 1000)
      const allTags = [...(tags ?? []), ...(typeof claims.sub === 'string' ? ['sub:' + claims.sub] : [])]
      return { value: claimsJson, expiresAt: until, tags: allTags }
    })
    return JSON.parse(json)
  }

  // Frees the keys held in wasm memory.
  dispose() {
    this.#native?.delete()
    this.#native = null
  }

  // Drops cached verifications of this subject's tokens (e.g. when its roles changed).
  invalidateSubject(sub) {
    this.#cache?.invalidateTag('sub:' + sub)
  }

  async #verifyNow(token, currentDate) {
    const v = await this.#ready()
    if (this.#remote) await this.#syncRemote(v)
    const now = this.#now(currentDate) / 1000
    let code = v.verify(token, now)
    if (code === JWKS_NO_KEY && this.#remote && (await this.#remote.refetchForUnknownKid())) {
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
