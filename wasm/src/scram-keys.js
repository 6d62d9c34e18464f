// SCRAM keys (ClientKey/ServerKey) of logins in this isolate, shared by all clients, for an hour at most: a login
// with the same password, salt and iteration count skips PBKDF2. The cache key is a hash of host, port, user and
// password; the password itself is never stored.
import { TokenCache } from './token-cache.js'

const cache = new TokenCache({ skew: 0, refreshWindow: 0, maxEntries: 256 })
const TTL_MS = 60 * 60_000

export function scramKeyId(core, o, password) {
  return 'scram:' + core.sha256Hex([o.host, o.port, o.user, password].join('\u0000'))
}

// The keys an earlier login stored under id, or undefined.
export function cachedScramKeys(id) {
  return cache.peek(id)
}

// After a login: stores the keys the core derived, unless it reused cached ones.
export function rememberScramKeys(conn, id) {
  if (!id || !conn || conn.scramUsedCachedKeys()) return
  const keys = conn.scramKeys()
  if (keys) cache.set(id, keys, Date.now() + TTL_MS).catch(() => {})
}
