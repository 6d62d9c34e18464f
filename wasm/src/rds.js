// AWS RDS / Aurora IAM database authentication: the token is a SigV4-presigned URL (signed in the wasm core),
// byte-for-byte what @aws-sdk/rds-signer gives, used as the PostgreSQL password. Valid 15 minutes.
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'
import { TokenCache } from './token-cache.js'

const TOKEN_LIFETIME_MS = 15 * 60_000

function checkOptions(o) {
  for (const k of ['hostname', 'username', 'region']) {
    if (typeof o?.[k] !== 'string' || o[k] === '') throw new EdgepgError('EINVAL', `rdsAuthToken needs ${k}`)
  }
  const c = o.credentials
  if (!c || typeof c.accessKeyId !== 'string' || typeof c.secretAccessKey !== 'string') {
    throw new EdgepgError('EINVAL', 'rdsAuthToken needs credentials: { accessKeyId, secretAccessKey, sessionToken? }')
  }
}

async function resolveCredentials(credentials) {
  return typeof credentials === 'function' ? await credentials() : credentials
}

// opts: { hostname, port = 5432, username, region, credentials, now? (Date or ms) }
export async function rdsAuthToken(opts) {
  const credentials = await resolveCredentials(opts?.credentials)
  const o = { ...opts, credentials }
  checkOptions(o)
  const core = await loadCore()
  const now = o.now === undefined ? Date.now() : o.now instanceof Date ? o.now.getTime() : Number(o.now)
  const r = core.rdsAuthToken(o.hostname, Number(o.port ?? 5432), o.username, o.region, credentials.accessKeyId,
    credentials.secretAccessKey, credentials.sessionToken ?? '', Math.floor(now / 1000))
  if (r.code !== 0) throw new EdgepgError('EINVAL', 'rdsAuthToken: ' + r.message)
  return r.value
}

// A password provider for Client/Pool: a fresh token per 15 minutes, reused within its TTL and refreshed ahead.
// credentials may be an object or an (async) function giving one (e.g. awsWebIdentityCredentials(...)). Temporary
// credentials that carry an `expiration` (a Date or ms) bound the token's reuse: a token signed with them is refused
// once they expire, so it is never served past that.
export function rdsIamPassword(opts) {
  const cache = opts.cache ?? new TokenCache({ clock: opts.clock })
  const key = `rds:${opts.hostname}:${opts.port ?? 5432}:${opts.username}:${opts.region}`
  const clock = opts.clock ?? (() => Date.now())
  return () =>
    cache.get(key, async () => {
      const credentials = await resolveCredentials(opts.credentials)
      const now = clock()
      const value = await rdsAuthToken({ ...opts, credentials, now })
      const until = credentials?.expiration === undefined ? NaN : Number(credentials.expiration instanceof Date
        ? credentials.expiration.getTime() : credentials.expiration)
      return { value, expiresAt: Number.isFinite(until) ? Math.min(now + TOKEN_LIFETIME_MS, until) : now + TOKEN_LIFETIME_MS }
    })
}
