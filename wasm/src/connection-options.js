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
    if (k === 'application_name') out.application_name = v
    else if (STARTUP_PARAMETERS.includes(k)) out[k] = v
  }
  return out
}

const STARTUP_PARAMETERS = ['options', 'statement_timeout', 'lock_timeout', 'idle_in_transaction_session_timeout']

function startupParameters(config, fromString) {
  const out = []
  for (const name of STARTUP_PARAMETERS) {
    const v = config[name] ?? fromString[name]
    if (v !== undefined && v !== null && v !== false) out.push([name, String(v)])
  }
  return out
}

// `types`: a map of type OID to parser function ({ 1700: Number }).
function typesMap(types) {
  if (types === undefined || types === null) return {}
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
    application_name: pick('application_name') || pick('applicationName') || '',
    webSocketUrl: config.webSocketUrl,
    webSocketConstructor: config.webSocketConstructor,
    connectionTimeoutMillis: config.connectionTimeoutMillis ?? 10000,
    query_timeout: config.query_timeout ?? 0, // node-postgres's name; 0 = none
    maxMessageSize: config.maxMessageSize ?? 64 * 1024 * 1024,
    int8: config.int8 ?? 'string',
    // Startup parameters node-postgres users set: options (e.g. '-c search_path=app') and server-side timeouts.
    startupParameters: startupParameters(config, fromString),
    types: typesMap(config.types),
  }
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
