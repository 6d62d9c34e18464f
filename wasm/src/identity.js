// identityGate: a request's bearer token is verified, its claims are mapped to a PostgreSQL role from an allowlist,
// and each request runs as one sealed unit of work under that role with the claims visible to row-level security:
//   BEGIN; select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)
// (PostgREST's and Supabase's convention). The handler's db is a GateSession (gate-session.js): nested
// transactions are savepoints, a statement that ends the transaction stops the request, db is revoked when the
// handler returns, and the connection goes back to the pool only after DISCARD ALL succeeded (else it is closed).
// Failures become standard HTTP answers: 401 (RFC 6750 WWW-Authenticate), 403, 500, 503, 504, with a JSON body
// that never echoes the token nor the database's own message (that goes to the log).
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'
import { gatewayConnector } from './gate-gateway.js'
import { GateSession } from './gate-session.js'
import { JwtVerifier } from './jwt.js'
import { Pool } from './pool.js'
import { TokenCache } from './token-cache.js'

const CONNECTION_FAILURES = new Set(['ECONNREFUSED', 'ECONNCLOSED', 'EPROTO', 'EAUTH', 'ENOWEBSOCKET', '57P01', '57P03', '08006', '08001'])

function jsonAnswer(status, body, wwwAuthenticate) {
  const headers = { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' }
  if (wwwAuthenticate) headers['www-authenticate'] = wwwAuthenticate
  return new Response(JSON.stringify(body), { status, headers })
}

const httpError = (status, code, message, wwwAuthenticate) => jsonAnswer(status, { error: code, message }, wwwAuthenticate)

// RFC 6750 §3: error_description is limited to %x20-21 / %x23-5B / %x5D-7E (no quote, no backslash); the
// descriptions are our own messages, never the token.
function bearerChallenge(error, description) {
  const q = (s) => '"' + String(s).replace(/["\\]/g, "'").replace(/[^\x20-\x7e]/g, '') + '"'
  let v = 'Bearer realm="edgepg"'
  if (error) v += `, error=${q(error)}, error_description=${q(description)}`
  return v
}

const SQLSTATE = /^[0-9A-Z]{5}$/

// Ends the unit of work (COMMIT or ROLLBACK) and resets the session in the same round trip. The connection goes back
// to the pool only when DISCARD ALL succeeded outside any transaction: a SET ROLE, a temp table, a LISTEN or a
// prepared statement of this request never reaches the next one.
async function finish(client, end) {
  const [ended, discard] = await Promise.allSettled([client.query(end), client.query('DISCARD ALL')])
  const clean = discard.status === 'fulfilled' && client.transactionStatus === 'I'
  client.release(clean ? undefined : new EdgepgError('EGATERESET', 'the connection could not be reset; it was closed'))
  if (ended.status === 'rejected') throw ended.reason
  return ended.value
}

export function identityGate(options = {}) {
  const { roleClaim = 'role', allowedRoles, anonymousRole, resolveRole } = options
  // Gateway mode (options.gateway): edgepg-gateway verifies the token and logs in as its role; the edge keeps no
  // password and no keys. allowedRoles, when given, is checked again on the role the gateway chose.
  const openViaGateway = options.gateway ? gatewayConnector(options.gateway) : null
  if (openViaGateway) {
    if (allowedRoles !== undefined && (!Array.isArray(allowedRoles) || allowedRoles.length === 0)) {
      throw new EdgepgError('EINVAL', 'allowedRoles must be a non-empty list of roles')
    }
  } else if (!Array.isArray(allowedRoles) || allowedRoles.length === 0) {
    throw new EdgepgError('EINVAL', 'identityGate needs allowedRoles: the PostgreSQL roles a token may map to')
  }
  if (typeof roleClaim !== 'string' && typeof roleClaim !== 'function') {
    throw new EdgepgError('EINVAL', 'roleClaim must be a dotted path (e.g. "app_metadata.role") or a function of the claims')
  }
  if (resolveRole !== undefined && typeof resolveRole !== 'function') {
    throw new EdgepgError('EINVAL', 'resolveRole must be a function (claims) => role, sync or async')
  }
  const verifier = openViaGateway ? null : new JwtVerifier(options)
  const pool = openViaGateway ? null : options.pool ?? new Pool(options.connection ?? options)
  const ownsPool = !openViaGateway && !options.pool
  const log = options.log ?? ((message, err) => console.error(message, err))
  // Roles decided by resolveRole, per subject, for resolveRoleTtl ms (default one minute); invalidateSubject and
  // refreshRole drop them at once.
  const roleCache = new TokenCache({ skew: 0, refreshWindow: 0, errorCooldown: 0, clock: options.clock })
  const roleTtl = options.resolveRoleTtl ?? 60_000

  function checkAllowed(role) {
    if (typeof role !== 'string' || (allowedRoles && !allowedRoles.includes(role))) {
      throw new EdgepgError('ERR_JWT_ROLE_NOT_ALLOWED', 'the role the token maps to is not allowed (allowedRoles)')
    }
    return role
  }

  async function roleFor(claims) {
    if (resolveRole) {
      if (typeof claims.sub !== 'string') return checkAllowed(await resolveRole(claims))
      const now = (options.clock ?? Date.now)()
      return checkAllowed(await roleCache.get('role:' + claims.sub, async () => {
        const role = checkAllowed(await resolveRole(claims))
        return { value: role, expiresAt: now + roleTtl, tags: ['sub:' + claims.sub] }
      }))
    }
    if (typeof roleClaim === 'function') return checkAllowed(await roleClaim(claims))
    const core = await loadCore()
    const r = core.roleFromClaims(JSON.stringify(claims), roleClaim, allowedRoles.join('\n'))
    if (r.code !== 0) throw new EdgepgError(r.name || 'ERR_JWT_ROLE_NOT_ALLOWED', r.message)
    return r.value
  }

  // Runs fn(db, claims, role) as one sealed unit of work as the token's role (or anonymousRole when token is null).
  async function run(token, fn) {
    let claims = {}
    let role
    let client
    if (openViaGateway) {
      const opened = await openViaGateway(token)
      ;({ client, claims, role } = opened)
      try {
        checkAllowed(role)
      } catch (e) {
        client.release()
        throw e
      }
    } else {
      if (token === null || token === undefined) {
        if (!anonymousRole) throw new EdgepgError('ERR_JWT_MISSING', 'a bearer token is required')
        role = anonymousRole
      } else {
        claims = await verifier.verify(token)
        role = await roleFor(claims)
      }
      client = await pool.connect()
    }
    const db = new GateSession(client)
    let result
    try {
      await Promise.all(openViaGateway
        ? [client.query('BEGIN')] // the login is the role, the gateway set the claims
        : [client.query('BEGIN'),
            client.query("select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)", [role, JSON.stringify(claims)])])
      let failed = false
      let failure
      try {
        result = await fn(db, claims, role)
      } catch (e) {
        failed = true
        failure = e
      }
      try {
        await db.close() // revokes db, waits for the queries the handler issued, reports an ended transaction
      } catch (e) {
        if (!failed) (failed = true), (failure = e)
      }
      if (failed) throw failure
    } catch (err) {
      await finish(client, 'ROLLBACK').catch(() => {})
      throw err
    }
    const commit = await finish(client, 'COMMIT')
    if (commit.command === 'ROLLBACK') {
      // A statement failed and the handler caught its error: PostgreSQL rolled everything back at COMMIT.
      throw new EdgepgError('EROLLBACK', "the request's transaction had failed (the handler caught a statement's " +
        'error), and COMMIT rolled it back: nothing was saved')
    }
    return result
  }

  async function handle(request, fn) {
    const header = request.headers.get('authorization')
    let token = null
    if (header !== null) {
      const m = /^Bearer +([A-Za-z0-9._~+/=-]+) *$/i.exec(header)
      if (!m) return httpError(401, 'ERR_JWT_MALFORMED', 'the Authorization header must be "Bearer <token>"', bearerChallenge('invalid_token', 'malformed Authorization header'))
      token = m[1]
    } else if (!anonymousRole && !openViaGateway) {
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
      // The database's own text may carry the request's input (e.g. invalid input syntax ... "<script>"): it goes
      // to the log, the client gets the SQLSTATE.
      log(`identityGate: the request failed (${code})`, e)
      const body = { error: 'EDB', message: 'the database refused the request' }
      if (SQLSTATE.test(code)) body.sqlstate = code
      else body.code = code
      return jsonAnswer(500, body)
    }
  }

  return {
    handle,
    run,
    // Revokes the subject's tokens issued until now (or atMs) and drops its cached role.
    invalidateSubject(sub, atMs) {
      verifier?.invalidateSubject(sub, atMs)
      roleCache.invalidateTag('sub:' + sub)
    },
    // Drops the subject's role cached from resolveRole, so the next request asks resolveRole again.
    refreshRole: (sub) => roleCache.invalidateTag('sub:' + sub),
    pool,
    async end() {
      verifier?.dispose()
      if (ownsPool) await pool.end()
    },
  }
}
