// identityGate: a request's bearer token is verified, its claims are mapped to a PostgreSQL role from an allowlist,
// and each unit of work runs in a transaction under that role with the claims visible to row-level security:
//   select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)
// (PostgREST's and Supabase's convention; safe behind transaction-pooling PgBouncer). Failures become standard HTTP
// answers: 401 (RFC 6750 WWW-Authenticate), 403, 503, 504, with a JSON body that never echoes the token.
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'
import { JwtVerifier } from './jwt.js'
import { Pool } from './pool.js'

const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNCLOSED', 'EPROTO', 'EAUTH', 'ENOWEBSOCKET', '57P01', '57P03', '08006', '08001'])

function httpError(status, code, message, wwwAuthenticate) {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  if (wwwAuthenticate) headers['www-authenticate'] = wwwAuthenticate
  return new Response(JSON.stringify({ error: code, message }), { status, headers })
}

// RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash); the
// descriptions are our own messages, never the token.
function bearerChallenge(error, description) {
  const q = (s) => '"' + String(s).replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '') + '"'
  let v = 'Bearer realm="edgepg"'
  if (error) v += `, error=${q(error)}, error_description=${q(description)}`
  return v
}

export function identityGate(options = {}) {
  const { roleClaim = 'role', allowedRoles, anonymousRole } = options
  if (!Array.isArray(allowedRoles) || allowedRoles.length === 0) {
    throw new EdgepgError('EINVAL', 'identityGate needs allowedRoles: the PostgreSQL roles a token may map to')
  }
  if (typeof roleClaim !== 'string' && typeof roleClaim !== 'function') {
    throw new EdgepgError('EINVAL', 'roleClaim must be a dotted path (e.g. "app_metadata.role") or a function of the claims')
  }
  const verifier = new JwtVerifier(options)
  const pool = options.pool ?? new Pool(options.connection ?? options)
  const ownsPool = !options.pool

  async function roleFor(claims) {
    let role
    if (typeof roleClaim === 'function') {
      role = await roleClaim(claims)
      if (typeof role !== 'string' || !allowedRoles.includes(role)) {
        throw new EdgepgError('ERR_JWT_ROLE_NOT_ALLOWED', 'the role the token maps to is not allowed (allowedRoles)')
      }
      return role
    }
    const core = await loadCore()
    const r = core.roleFromClaims(JSON.stringify(claims), roleClaim, allowedRoles.join('\n'))
    if (r.code !== 0) throw new EdgepgError(r.name || 'ERR_JWT_ROLE_NOT_ALLOWED', r.message)
    return r.value
  }

  // Runs fn(db, claims) in a transaction as the token's role (or anonymousRole when token is null).
  async function run(token, fn) {
    let claims = {}
    let role
    if (token === null || token === undefined) {
      if (!anonymousRole) throw new EdgepgError('ERR_JWT_MISSING', 'a bearer token is required')
      role = anonymousRole
    } else {
      claims = await verifier.verify(token)
      role = await roleFor(claims)
    }
    return pool.transaction(async (db) => {
      await db.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [role, JSON.stringify(claims)])
      return fn(db, claims, role)
    })
  }

  async function handle(request, fn) {
    const header = request.headers.get('authorization')
    let token = null
    if (header !== null) {
      const m = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(header)
      if (!m) return httpError(401, 'ERR_JWT_MALFORMED', 'the Authorization header must be "Bearer <token>"', bearerChallenge('invalid_token', 'malformed Authorization header'))
      token = m[1]
    } else if (!anonymousRole) {
      return httpError(401, 'ERR_JWT_MISSING', 'a bearer token is required', bearerChallenge())
    }
    try {
      return await run(token, fn)
    } catch (e) {
      if (!(e instanceof EdgepgError)) throw e
      const code = e.code
      if (code === 'ERR_JWT_ROLE_NOT_ALLOWED') return httpError(403, code, e.message)
      if (code.startsWith('ERR_JWT') || code === 'ERR_JWKS_NO_KEY' || code === 'ERR_JWKS_INVALID') {
        return httpError(401, code, e.message, bearerChallenge('invalid_token', e.message))
      }
      if (code === 'ERR_JWKS_FETCH') return httpError(503, code, 'the identity provider keys could not be fetched')
      if (code === '42501') {
        return token === null
          ? httpError(401, code, 'sign in to access this resource', bearerChallenge())
          : httpError(403, code, 'permission denied')
      }
      if (code === 'ETIMEDOUT') return httpError(504, code, 'the database did not answer in time')
      if (CONNECTION_FAILURES.has(code)) return httpError(503, code, 'the database is unavailable')
      return httpError(500, code, e.message)
    }
  }

  return {
    handle,
    run,
    invalidateSubject: (sub, atMs) => verifier.invalidateSubject(sub, atMs),
    pool,
    async end() {
      verifier.dispose()
      if (ownsPool) await pool.end()
    },
  }
}
