// Connection options: a connection string or an object, node-postgres's names. Nothing here ever puts the
// password or the connection string into an error message.
import { EdgepgError } from './errors.js'

function parseConnectionString(str) {
  let url
  try {
    url = new URL(str)
  } catch {
    throw new EdgepgError('EINVAL', 'invalid connection string: expected postgres://user:password@host:port/database')
  }
  if (url.protocol !== 'postgres:' && url.protocol !== 'postgresql:') {
    throw new EdgepgError('EINVAL', `invalid connection string: the scheme must be postgres:// or postgresql://`)
  }
  // A malformed %-escape names the part, never its text (it may be the password).
  const decode = (text, part) => {
    try {
      return decodeURIComponent(text)
    } catch {
      throw new EdgepgError('EINVAL', `invalid connection string: the ${part} has a malformed %-escape`)
    }
  }
  const out = {
    user: url.username ? decode(url.username, 'user name') : undefined,
    password: url.password ? decode(url.password, 'password') : undefined,
    host: url.hostname ? decode(url.hostname, 'host') : undefined,
    port: url.port ? Number(url.port) : undefined,
    database: url.pathname.length > 1 ? decode(url.pathname.slice(1), 'database name') : undefined,
  }
  for (const [k, v] of url.searchParams) {
    if (k === 'application_name' || k === 'fallback_application_name' || STARTUP_PARAMETERS.includes(k) || k in SECURITY_PARAMETERS) out[k] = v
    else {
      // Never silently dropped: a parameter the user relies on (sslrootcert, target_session_attrs...) that this
      // client would ignore is refused. Named only when it is one of libpq's (a malformed URL can put anything,
      // the password included, where a name should be).
      const name = LIBPQ_PARAMETERS.has(k) ? `"${k}"` : '(not a libpq parameter name)'
      throw new EdgepgError('EINVAL', `the connection string parameter ${name} is not supported by edgepg; supported: ` +
        ['application_name', ...STARTUP_PARAMETERS, ...Object.keys(SECURITY_PARAMETERS)].join(', '))
    }
  }
  return out
}

const STARTUP_PARAMETERS = ['options', 'statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout']
// Connection-string names of the security options, with the option names of the object form.
const SECURITY_PARAMETERS = { sslmode: 'sslmode', require_auth: 'requireAuth', channel_binding: 'channelBinding' }
const LIBPQ_PARAMETERS = new Set(('host hostaddr port dbname user password passfile channel_binding connect_timeout ' +
  'client_encoding options application_name fallback_application_name keepalives keepalives_idle ' +
  'keepalives_interval keepalives_count tcp_user_timeout replication gssencmode sslmode requiressl sslcompression ' +
  'sslcert sslkey sslpassword sslcertmode sslrootcert sslcrl sslcrldir sslsni requirepeer ssl_min_protocol_version ' +
  'ssl_max_protocol_version krbsrvname gsslib gssdelegation service target_session_attrs load_balance_hosts ' +
  'require_auth').split(' '))
const SSL_MODES = ['disable', 'allow', 'prefer', 'require', 'verify-ca', 'verify-full']

// A host name goes into the WebSocket URL (wss://<host>/v1?address=<host>:<port> by default): a decoded '/', '?',
// '#', '@', '%', '\\' or whitespace would move the socket to another host than the one the application checked.
function checkHost(host) {
  if (typeof host !== 'string') throw new EdgepgError('EINVAL', 'host must be a string')
  const bare = host.startsWith('[') && host.endsWith(']') ? host.slice(1, -1) : host
  // eslint-disable-next-line no-control-regex -- control characters are exactly what must not pass
  const bad = bare === host ? /[/?#@%\\\s\u0000-\u001f\u007f[\]:]/ : /[^0-9a-fA-F:.]/ // [IPv6] literals: hex, ':' and '.'
  if (host === '' || bad.test(bare)) {
    throw new EdgepgError('EINVAL', 'invalid host: a host name may not contain / ? # @ % : \\ [ ] or whitespace (after %-decoding); write an IPv6 address as [addr]')
  }
  return host
}

// requireAuth (libpq's require_auth): a string or a list of methods. When absent: SCRAM only if a password is
// configured (a server that asks for it in cleartext or as MD5, or skips asking, is refused), any method if not.
function requireAuthText(value, hasPassword) {
  if (value === undefined || value === null) return hasPassword ? 'scram-sha-256' : ''
  if (Array.isArray(value)) return value.map(String).join(',')
  if (typeof value === 'string') return value
  throw new EdgepgError('EINVAL', "requireAuth must be a string like 'scram-sha-256' or 'password', or a list of them")
}

// pipelineConnect: 'password' sends the password with the startup, before the server asks. Only sound when the
// password is all the policy allows (cleartext, whose answer is the same whatever the server asks; SCRAM cannot be
// pipelined), where it is the default.
function pipelineConnect(value, requireAuth) {
  const passwordOnly = requireAuth.trim() === 'password'
  if (value === undefined || value === null) return passwordOnly ? 'password' : false
  if (value === false) return false
  if (value !== 'password') throw new EdgepgError('EINVAL', "pipelineConnect must be 'password' or false")
  if (!passwordOnly) {
    throw new EdgepgError('EINVAL', "pipelineConnect: 'password' sends the password before the server asks for it, so it " +
      "needs requireAuth: 'password' (cleartext only; SCRAM cannot be pipelined)")
  }
  return value
}

// The channel binding libpq would do. edgepg has no SCRAM-SHA-256-PLUS: over a WebSocket the TLS is the proxy's,
// not PostgreSQL's, so there is nothing to bind to; `require` is refused rather than silently weakened.
function channelBinding(value) {
  const v = value ?? 'prefer'
  if (v === 'disable' || v === 'prefer') return v
  if (v === 'require') {
    throw new EdgepgError('EINVAL', 'channel_binding=require cannot be honoured over a WebSocket (the TLS is the ' +
      "proxy's, PostgreSQL's SCRAM-SHA-256-PLUS has nothing to bind to): remove it, or use channel_binding=prefer " +
      'with require_auth=scram-sha-256 and a wss:// URL')
  }
  throw new EdgepgError('EINVAL', 'invalid channel_binding: expected disable, prefer or require')
}

// sslmode, mapped honestly: the only TLS on this path is the WebSocket's (wss://), which the runtime verifies
// against the proxy's host name. require, verify-ca and verify-full therefore demand a wss:// URL (checked when the
// URL is known, at connect); disable, allow and prefer accept either.
function sslMode(value) {
  if (value === undefined || value === null) return undefined
  if (!SSL_MODES.includes(value)) throw new EdgepgError('EINVAL', `invalid sslmode: expected ${SSL_MODES.join(', ')}`)
  return value
}

export function checkTransportSecurity(o, url) {
  if (['require', 'verify-ca', 'verify-full'].includes(o.sslmode) && !/^wss:/i.test(url)) {
    throw new EdgepgError('EINVAL', `sslmode=${o.sslmode} needs a wss:// WebSocket URL: over WebSocket the TLS is ` +
      "the WebSocket's; use wss:// or set sslmode=disable for a local ws:// proxy")
  }
}

// Timeouts go as whole milliseconds, as node-postgres sends them (parseInt: 3000.7 -> '3000').
const MILLISECOND_PARAMETERS = ['statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout']

function startupParameters(config, fromString) {
  const out = []
  for (const name of STARTUP_PARAMETERS) {
    const v = config[name] ?? fromString[name]
    if (v === undefined || v === null || v === false) continue
    out.push([name, MILLISECOND_PARAMETERS.includes(name) ? String(parseInt(v, 10)) : String(v)])
  }
  return out
}

// `types`: a map of type OID to parser function ({ 1700: Number }), or node-postgres's shape, an object with
// getTypeParser(oid, format) (pg-types): then every query's values go through it as text (typeParserSource).
function typesMap(types) {
  if (types === undefined || types === null || typeof types?.getTypeParser === 'function') return {}
  if (typeof types !== 'object') throw new EdgepgError('EINVAL', 'types must be an object mapping type OIDs to parser functions')
  for (const [oid, fn] of Object.entries(types)) {
    if (!/^\d+$/.test(oid) || typeof fn !== 'function') {
      throw new EdgepgError('EINVAL', 'types must map numeric type OIDs to parser functions, e.g. { 1700: Number }')
    }
  }
  return types
}

export function resolveOptions(config) {
  if (typeof config === 'string') config = { connectionString: config }
  config = config || {}
  const fromString = config.connectionString ? parseConnectionString(config.connectionString) : {}
  const pick = (k) => (config[k] !== undefined ? config[k] : fromString[k])
  const o = {
    user: pick('user'),
    password: pick('password'),
    host: pick('host') || 'localhost',
    port: Number(pick('port') || 5432),
    database: pick('database'),
    // libpq's and node-postgres's fallback_application_name: used when no application_name is given.
    application_name: pick('application_name') || pick('applicationName') || pick('fallback_application_name') || '',
    webSocketUrl: config.webSocketUrl,
    webSocketConstructor: config.webSocketConstructor,
    connectionTimeoutMillis: config.connectionTimeoutMillis ?? 10000,
    query_timeout: config.query_timeout ?? 0, // node-postgres's name; 0 = none
    maxMessageSize: config.maxMessageSize ?? 64 * 1024 * 1024,
    int8: config.int8 ?? 'string',
    // Startup parameters node-postgres users set: options (e.g. '-c search_path=app') and server-side timeouts.
    startupParameters: startupParameters(config, fromString),
    types: typesMap(config.types),
    typeParserSource: typeof config.types?.getTypeParser === 'function' ? config.types : undefined,
    queryMode: config.queryMode,
    Promise: config.Promise, // node-postgres's option: the promise library to return
    sslmode: sslMode(pick('sslmode')),
    channelBinding: channelBinding(config.channelBinding ?? fromString.channel_binding),
    scramMaxIterations: config.scramMaxIterations ?? 100_000,
  }
  o.requireAuth = requireAuthText(config.requireAuth ?? fromString.require_auth, o.password !== undefined && o.password !== null)
  o.pipelineConnect = pipelineConnect(config.pipelineConnect, o.requireAuth)
  checkHost(o.host)
  if (!['string', 'number', 'bigint'].includes(o.int8)) {
    throw new EdgepgError('EINVAL', "invalid int8 option: use 'string' (default), 'number' or 'bigint'")
  }
  if (!o.user) {
    throw new EdgepgError('EINVAL', 'no database user: set user, or a connectionString like postgres://user:password@host/db')
  }
  if (!Number.isInteger(o.port) || o.port < 1 || o.port > 65535) {
    throw new EdgepgError('EINVAL', 'invalid port: expected a number from 1 to 65535')
  }
  return o
}

// The WebSocket URL for a host and port: webSocketUrl as given (a string or a function of host and port), else
// Neon's wsproxy convention on the database host.
export function webSocketUrlFor(o) {
  if (typeof o.webSocketUrl === 'function') return String(o.webSocketUrl(o.host, o.port))
  if (typeof o.webSocketUrl === 'string') return o.webSocketUrl
  return `wss://${o.host}/v1?address=${encodeURIComponent(o.host + ':' + o.port)}`
}

// A URL safe to show in an error: scheme, host and path, never credentials or query parameters.
export function describeUrl(url) {
  try {
    const u = new URL(url)
    return u.protocol + '//' + u.host + u.pathname
  } catch {
    return '(invalid URL)'
  }
}
