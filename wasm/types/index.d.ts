// Type declarations for `edgepg` (hand-written; the package is plain ESM JavaScript).
// Checked by tests/js/edge-types.test.js: `tsc --noEmit` over tests/types/usage.ts against the packed package.

// ---------------------------------------------------------------------------------------------------------------
// Errors
// ---------------------------------------------------------------------------------------------------------------

/**
 * Every failure edgepg reports. `code` is the server's SQLSTATE (e.g. '42P01') for server errors, or one of
 * edgepg's codes (EdgepgErrorCode; README.md, "Error codes"). Messages never carry passwords, tokens or connection
 * strings. Server errors also carry node-postgres's field names (severity, detail, hint, position, ...).
 */
export class EdgepgError extends Error {
  constructor(code: string, message: string, fields?: Partial<ServerErrorFields>)
  name: 'EdgepgError'
  code: EdgepgErrorCode
  severity?: string
  detail?: string
  hint?: string
  position?: string
  internalPosition?: string
  internalQuery?: string
  where?: string
  schema?: string
  table?: string
  column?: string
  dataType?: string
  constraint?: string
  file?: string
  line?: string
  routine?: string
}

/**
 * edgepg's error codes, the same list as README.md's "Error codes" table (tests/js/error-codes.test.js checks that
 * this union, that table and the codes the core and the JS layer produce are one list). Codes marked "native" come
 * only from the C++ face (edgepg::Error::code()); this package never produces them.
 */
export type EdgepgErrorCode =
  /** Nothing accepts connections at the address (the WebSocket could not open). */
  | 'ECONNREFUSED'
  /** The server or the proxy closed the connection, or the client was ended or broken earlier. */
  | 'ECONNCLOSED'
  /** The server (or the proxy) broke the PostgreSQL protocol, or asked for something edgepg does not implement. */
  | 'EPROTO'
  /** Authentication could not proceed (a refused method, no password) or the server did not prove itself (SCRAM). */
  | 'EAUTH'
  /** connectionTimeoutMillis, query_timeout, a pool wait or a TokenCache loadTimeout passed. */
  | 'ETIMEDOUT'
  /** The caller passed something unusable (bad connection string, option, parameter or call order). */
  | 'EINVAL'
  /**
   * A cloud token service (AWS STS, Google STS or IAM Credentials, Entra ID) refused the exchange, failed or answered
   * something unreadable; `detail` holds its error code (InvalidIdentityToken, invalid_grant, AADSTS70021, ...).
   */
  | 'ECREDENTIALS'
  /** An AbortSignal fired. */
  | 'EABORT'
  /** No WebSocket in this runtime: pass webSocketConstructor. */
  | 'ENOWEBSOCKET'
  /** TokenCache: the key's last load failed and its error cooldown has not ended. */
  | 'ECACHE'
  /** COMMIT answered ROLLBACK: an error inside the transaction was caught, nothing was saved. */
  | 'EROLLBACK'
  /** identityGate: a handler statement ended the request's transaction; nothing more runs in it. */
  | 'EGATETX'
  /** identityGate: the handler's db was used after the handler returned. */
  | 'EGATECLOSED'
  /** identityGate: the connection could not be reset after the request and was closed. */
  | 'EGATERESET'
  /** Not a JWS compact token (size, characters, structure, header or JSON). */
  | 'ERR_JWT_MALFORMED'
  /** alg is none, unknown, outside the allowlist, or not the key's algorithm. */
  | 'ERR_JWT_ALG'
  /** The signature does not verify. */
  | 'ERR_JWT_SIGNATURE'
  /** exp passed, or the token is older than maxTokenAge. */
  | 'ERR_JWT_EXPIRED'
  /** nbf or iat is in the future. */
  | 'ERR_JWT_NOT_YET_VALID'
  /** iss/aud mismatch, a required claim missing, a claim of the wrong type, no role claim. */
  | 'ERR_JWT_CLAIM'
  /** The role the claims name is not in allowedRoles. */
  | 'ERR_JWT_ROLE_NOT_ALLOWED'
  /** identityGate: no bearer token and no anonymousRole. */
  | 'ERR_JWT_MISSING'
  /** invalidateSubject revoked the token's subject. */
  | 'ERR_JWT_REVOKED'
  /** No usable key in the key set for this token (after one refetch of jwksUrl). */
  | 'ERR_JWKS_NO_KEY'
  /** The key set (or key) cannot be used at all. */
  | 'ERR_JWKS_INVALID'
  /** The JWKS at jwksUrl could not be fetched. */
  | 'ERR_JWKS_FETCH'
  /** native: the host name does not resolve. */
  | 'ENOTFOUND'
  /** native: a socket error while reading or writing. */
  | 'ECONNRESET'
  /** native: TLS could not be negotiated. */
  | 'ETLS'
  /** native: the server's certificate was refused (verify-ca, verify-full). */
  | 'ECERT'
  /** native: the WebSocket handshake or framing failed. */
  | 'EWEBSOCKET'
  /** native: fetching a JWKS failed at the HTTP level. */
  | 'EHTTP'
  /** native: a typed accessor met a value of another shape, or a NULL. */
  | 'ETYPE'
  | (string & {}) // a SQLSTATE such as '23505'

export interface ServerErrorFields {
  severity: string
  detail: string
  hint: string
  position: string
  internalPosition: string
  internalQuery: string
  where: string
  schema: string
  table: string
  column: string
  dataType: string
  constraint: string
  file: string
  line: string
  routine: string
}

// ---------------------------------------------------------------------------------------------------------------
// Values
// ---------------------------------------------------------------------------------------------------------------

/** An interval value with node-postgres's shape (postgres-interval): only non-zero parts are set. */
export class PostgresInterval {
  years?: number
  months?: number
  days?: number
  hours?: number
  minutes?: number
  seconds?: number
  milliseconds?: number
  toPostgres(): string
  toISO(): string
  toISOString(): string
}

/** A value that can be sent as a query parameter (serialised as node-postgres does). */
export type QueryValue =
  | string
  | number
  | bigint
  | boolean
  | null
  | undefined
  | Date
  | ArrayBufferView // Buffer, Uint8Array, ...: sent as a binary parameter (its bytes), as node-postgres does
  | PostgresInterval
  | { toPostgres(): unknown }
  | QueryValue[]
  | { [key: string]: unknown } // sent as JSON

// ---------------------------------------------------------------------------------------------------------------
// Connections
// ---------------------------------------------------------------------------------------------------------------

/** The WebSocket class edgepg opens: the standard browser/WHATWG shape (`ws` on Node 20 fits). */
export interface WebSocketLike {
  binaryType: string
  readonly readyState: number
  send(data: any): void // edgepg sends Uint8Array
  close(code?: number, reason?: string): void
  onopen: ((ev: any) => any) | null
  onmessage: ((ev: any) => any) | null
  onerror: ((ev: any) => any) | null
  onclose: ((ev: any) => any) | null
}
export type WebSocketConstructorLike = new (url: string) => WebSocketLike

/** A password, or a function giving one (asked for only when the server wants a password). */
export type PasswordOption = string | (() => string | Promise<string>)

export interface ConnectionOptions {
  /** postgres://user:password@host:port/database (application_name and options query parameters are read). */
  connectionString?: string
  host?: string
  port?: number
  user?: string
  password?: PasswordOption
  database?: string
  application_name?: string
  applicationName?: string
  /**
   * The WebSocket proxy in front of PostgreSQL, e.g. 'wss://proxy.example.com/v1?address=db:5432', or a function
   * of host and port. Default: `wss://<host>/v1?address=<host>:<port>` (Neon's wsproxy convention).
   */
  webSocketUrl?: string | ((host: string, port: number) => string)
  /** Default: globalThis.WebSocket (Node 20 has none: pass `WebSocket` from the `ws` package). On Cloudflare
   *  Workers, when `new WebSocket(url)` is missing or fails, edgepg upgrades through fetch() instead. */
  webSocketConstructor?: WebSocketConstructorLike
  /** Default 10000. */
  connectionTimeoutMillis?: number
  /** node-postgres's name: a query running longer ends the connection with ETIMEDOUT. 0 (default) = none. */
  query_timeout?: number
  /** The largest server message accepted, in bytes. Default 64 MiB. */
  maxMessageSize?: number
  /** How int8 (bigint) columns arrive: 'string' (default, as node-postgres), 'number' or 'bigint'. */
  int8?: 'string' | 'number' | 'bigint'
  /** Parsers by type OID; values of those types arrive as text and go through the parser, e.g. { 1700: Number }.
   *  Or node-postgres's shape, `{ getTypeParser(oid, format) }` (pg-types): then every value goes through it. */
  types?: Record<number, (text: string) => unknown> | { getTypeParser(oid: number, format?: string): (text: string) => unknown }
  /** Used as application_name when none is given (libpq's and node-postgres's). */
  fallback_application_name?: string
  /** node-postgres's option: 'extended' sends every query as one statement with the extended protocol. */
  queryMode?: 'simple' | 'extended'
  statement_timeout?: number
  lock_timeout?: number
  idle_in_transaction_session_timeout?: number
  options?: string
  /**
   * libpq's require_auth: the authentication methods the client answers ('password' = cleartext, 'md5',
   * 'scram-sha-256', 'none' = no authentication at all), a list, or negated ('!md5,!password'). Default: with a
   * password configured, 'scram-sha-256' only (a server asking for cleartext or MD5, or logging in without asking,
   * is refused with EAUTH and gets nothing); without one, any. RDS IAM tokens and edgepg-gateway need 'password'.
   */
  requireAuth?: string | Array<'password' | 'md5' | 'scram-sha-256' | 'none' | string>
  /** libpq's channel_binding: 'disable' or 'prefer' (default). 'require' is refused (EINVAL): over a WebSocket
   *  there is no PostgreSQL TLS to bind to. */
  channelBinding?: 'disable' | 'prefer' | 'require'
  /** libpq's sslmode: require, verify-ca and verify-full demand a wss:// WebSocket URL (the only TLS here). */
  sslmode?: 'disable' | 'allow' | 'prefer' | 'require' | 'verify-ca' | 'verify-full'
  /** A server asking for more SCRAM iterations is refused (EAUTH). Default 100000 (PostgreSQL's is 4096). */
  scramMaxIterations?: number
  /**
   * A pipelined login, as Neon's driver names it: the startup message, the password and the queries issued
   * during connect() leave in the first WebSocket message, without waiting for the server to ask (one round trip
   * instead of three). Only with requireAuth 'password' (cleartext: the one method whose answer does not depend
   * on the server's request, as edgepg-gateway and RDS IAM tokens use), where it is the default; false turns it
   * off. A refused login rejects the queued queries with the login's error; nothing is sent again.
   */
  pipelineConnect?: 'password' | false
}

export interface FieldDef {
  name: string
  tableID: number
  columnID: number
  dataTypeID: number
  dataTypeSize: number
  dataTypeModifier: number
  format: 'text' | 'binary'
}

export interface QueryResult<R = any> {
  command: string | null
  rowCount: number | null
  oid: number | null
  rows: R[]
  fields: FieldDef[]
}

export interface QueryConfig<V extends QueryValue[] = QueryValue[]> {
  text: string
  /** A server-side prepared statement: parsed once per connection under this name, then only bound and executed.
   *  Other text under a name this connection prepared rejects (EINVAL), as node-postgres does. */
  name?: string
  values?: V
  rowMode?: 'array'
  /** Aborting rejects the query with EABORT and asks the server to cancel it. */
  signal?: AbortSignal
  query_timeout?: number
}

/** Runs the statement prepared under `name` earlier on this connection (node-postgres's `{ name, values }`). */
export interface NamedQueryConfig<V extends QueryValue[] = QueryValue[]> extends Omit<QueryConfig<V>, 'text'> {
  name: string
  text?: string
}

export interface QueryArrayConfig<V extends QueryValue[] = QueryValue[]> extends QueryConfig<V> {
  rowMode: 'array'
}

export interface TransactionOptions {
  isolationLevel?:
    | 'read uncommitted' | 'read committed' | 'repeatable read' | 'serializable'
    | 'ReadUncommitted' | 'ReadCommitted' | 'RepeatableRead' | 'Serializable'
  readOnly?: boolean
  deferrable?: boolean
}

export interface Notification {
  processId: number
  channel: string
  payload: string
}

type Callback<T> = (err: Error | null, result: T) => void

/** on/once/off/emit, as node-postgres users expect (no node:events needed). */
declare class Emitter<Events extends Record<string, (...args: any[]) => void>> {
  on<E extends keyof Events>(event: E, listener: Events[E]): this
  once<E extends keyof Events>(event: E, listener: Events[E]): this
  off<E extends keyof Events>(event: E, listener: Events[E]): this
  removeListener<E extends keyof Events>(event: E, listener: Events[E]): this
  listenerCount(event: keyof Events): number
  emit<E extends keyof Events>(event: E, ...args: Parameters<Events[E]>): boolean
}

/** A NoticeResponse, as node-postgres gives it: a plain object (not an Error) with the server's fields. */
export interface Notice extends Partial<ServerErrorFields> {
  name: 'notice'
  message: string
  code?: string
}

export interface ClientEvents {
  [event: string]: (...args: any[]) => void
  /** The connection broke after the login (the pending queries reject too). */
  error: (err: EdgepgError) => void
  notice: (notice: Notice) => void
  notification: (message: Notification) => void
  /** The queue of sent queries is empty again. */
  drain: () => void
  end: () => void
}

/** One PostgreSQL connection over a WebSocket, with node-postgres's shape. A Client cannot be reused after end(). */
export class Client extends Emitter<ClientEvents> {
  constructor(config?: string | ConnectionOptions)
  readonly user: string
  readonly database: string | undefined
  readonly host: string
  readonly port: number
  processID: number | null
  secretKey: number | null
  /** The server's ParameterStatus values (server_version, TimeZone, ...). */
  parameters: Record<string, string>
  /** 'I' idle, 'T' in a transaction, 'E' in a failed transaction. */
  transactionStatus: 'I' | 'T' | 'E' | string

  /** Resolves to the client. Queries issued before (or during) the login are queued and sent after it. */
  connect(): Promise<this>
  connect(options: { signal?: AbortSignal }): Promise<this>
  connect(callback: (err: Error | null, client?: Client) => void): void

  query<R = any>(text: string, values?: QueryValue[]): Promise<QueryResult<R>>
  query<R extends any[] = any[]>(config: QueryArrayConfig): Promise<QueryResult<R>>
  query<R = any>(config: QueryConfig | NamedQueryConfig): Promise<QueryResult<R>>
  query<R = any>(text: string, callback: Callback<QueryResult<R>>): void
  query<R = any>(text: string, values: QueryValue[], callback: Callback<QueryResult<R>>): void
  query<R = any>(config: QueryConfig | NamedQueryConfig, callback: Callback<QueryResult<R>>): void

  /** Runs fn(client) in a transaction: COMMIT when it returns, ROLLBACK (and rethrow) when it throws. */
  transaction<T>(fn: (client: this) => Promise<T> | T, options?: TransactionOptions): Promise<T>
  /** node-postgres's setTypeParser: values of this type arrive as text and go through parser. */
  setTypeParser(oid: number, parser: (text: string) => unknown): void
  /** A 'binary' parser is kept (getTypeParser returns it) but never applies: edgepg receives text. */
  setTypeParser(oid: number, format: 'text' | 'binary', parser: (text: string) => unknown): void
  getTypeParser(oid: number, format?: 'text' | 'binary'): (text: string) => unknown
  /** 'I' idle, 'T' in a transaction, 'E' in a failed transaction. */
  getTransactionStatus(): 'I' | 'T' | 'E' | string
  /**
   * Queries already sent finish first; then the Terminate goes out and end() is done (the server closes the
   * connection on it, which is not awaited). Later queries fail with "Client was closed and is not queryable".
   */
  end(): Promise<void>
  end(callback: (err?: Error) => void): void
}

export interface PoolOptions extends ConnectionOptions {
  /** Default 10. */
  max?: number
  /** Default 10000; 0 keeps idle connections. */
  idleTimeoutMillis?: number
  /** A Client subclass to create connections with. */
  Client?: typeof Client
  /** Reset every released client (DISCARD ALL) before it is handed out again; one that cannot be reset is
   *  closed. Default false (node-postgres's behaviour: session state stays with the connection). */
  resetOnRelease?: boolean
}

/** A Client checked out of a Pool: give it back with release() (release(err) drops it). */
export interface PoolClient extends Client {
  release(err?: Error | boolean): void
}

export interface PoolEvents {
  [event: string]: (...args: any[]) => void
  connect: (client: PoolClient) => void
  acquire: (client: PoolClient) => void
  release: (err: Error | undefined, client: PoolClient) => void
  remove: (client: PoolClient) => void
  error: (err: EdgepgError, client: PoolClient) => void
  end: () => void
}

export class Pool extends Emitter<PoolEvents> {
  constructor(config?: string | PoolOptions)
  readonly options: PoolOptions & { max: number; idleTimeoutMillis: number; connectionTimeoutMillis: number }
  readonly totalCount: number
  readonly idleCount: number
  readonly waitingCount: number
  readonly ended: boolean
  Client: typeof Client

  connect(): Promise<PoolClient>
  connect(callback: (err: Error | null, client?: PoolClient, release?: (err?: Error | boolean) => void) => void): void

  query<R = any>(text: string, values?: QueryValue[]): Promise<QueryResult<R>>
  query<R extends any[] = any[]>(config: QueryArrayConfig): Promise<QueryResult<R>>
  query<R = any>(config: QueryConfig | NamedQueryConfig): Promise<QueryResult<R>>
  query<R = any>(text: string, callback: Callback<QueryResult<R>>): void
  query<R = any>(text: string, values: QueryValue[], callback: Callback<QueryResult<R>>): void

  transaction<T>(fn: (client: PoolClient) => Promise<T> | T, options?: TransactionOptions): Promise<T>
  end(): Promise<void>
  end(callback: (err?: Error) => void): void
}

// ---------------------------------------------------------------------------------------------------------------
// neon()-style tagged templates
// ---------------------------------------------------------------------------------------------------------------

export interface NeonOptions<ArrayMode extends boolean = boolean, FullResults extends boolean = boolean>
  extends PoolOptions {
  /** Rows as arrays instead of objects. */
  arrayMode?: ArrayMode
  /** Whole results ({ rows, fields, rowCount, command }) instead of rows. */
  fullResults?: FullResults
}

/** A lazy, awaitable query: values interpolated into sql`...` become $n parameters, never SQL text. */
export interface SqlQuery<T> extends PromiseLike<T> {
  catch<U = never>(onrejected?: ((reason: any) => U | PromiseLike<U>) | null): Promise<T | U>
  finally(onfinally?: (() => void) | null): Promise<T>
  toParameterizedQuery(): { query: string; params: unknown[] }
}

/** Trusted raw SQL to embed in sql`...` (sql.unsafe()); it cannot be awaited by itself. */
export interface UnsafeRawSql {
  readonly sql: string
}

type NeonRow<ArrayMode extends boolean> = ArrayMode extends true ? any[] : Record<string, any>
type NeonResult<ArrayMode extends boolean, FullResults extends boolean> = FullResults extends true
  ? QueryResult<NeonRow<ArrayMode>>
  : NeonRow<ArrayMode>[]

export interface NeonQueryOptions<ArrayMode extends boolean = boolean, FullResults extends boolean = boolean> {
  arrayMode?: ArrayMode
  fullResults?: FullResults
}

export interface Sql<ArrayMode extends boolean = false, FullResults extends boolean = false> {
  (strings: TemplateStringsArray, ...values: unknown[]): SqlQuery<NeonResult<ArrayMode, FullResults>>
  query(text: string, params?: QueryValue[]): Promise<NeonResult<ArrayMode, FullResults>>
  query<A extends boolean = ArrayMode, F extends boolean = FullResults>(
    text: string,
    params: QueryValue[],
    options: NeonQueryOptions<A, F>,
  ): Promise<NeonResult<A, F>>
  unsafe(rawSql: string): UnsafeRawSql
  /** All statements in one round trip inside BEGIN ... COMMIT. */
  transaction(
    queries: SqlQuery<unknown>[] | ((sql: Sql<ArrayMode, FullResults>) => SqlQuery<unknown>[]),
    options?: TransactionOptions & NeonQueryOptions<ArrayMode, FullResults>,
  ): Promise<NeonResult<ArrayMode, FullResults>[]>
  /** Closes the pooled connections. */
  end(): Promise<void>
}

export function neon<ArrayMode extends boolean = false, FullResults extends boolean = false>(
  connectionString: string,
  options?: NeonOptions<ArrayMode, FullResults>,
): Sql<ArrayMode, FullResults>

// ===============================================================================================================
// Identity and credentials (jwt.js, identity.js, gate-session.js, token-cache.js, rds.js).
// ===============================================================================================================

// ---- TokenCache (wasm/src/token-cache.js) ----------------------------------------------------------------------

export interface TokenCacheOptions {
  /** Treat a value as expired this many ms early. Default 10000. */
  skew?: number
  /** Start a background refresh this many ms before expiry. Default 300000. */
  refreshWindow?: number
  /** After a failed load, wait this many ms before trying again. Default 1000. */
  errorCooldown?: number
  /** A load not settled after this many ms fails its callers with EdgepgError ETIMEDOUT; the next get starts a new
   *  load and the late result is ignored. Default 30000. */
  loadTimeout?: number
  /** LRU bound. Default 1024. */
  maxEntries?: number
  /** Injected clock (ms since the epoch). Default Date.now. */
  clock?: () => number
}

export interface TokenCacheEntry {
  value: string
  /** ms since the epoch */
  expiresAt: number
  tags?: string[]
}

/** Short-lived values (tokens, credentials) kept only within their TTL: refresh ahead, single flight, tags, LRU. */
export class TokenCache {
  constructor(options?: TokenCacheOptions)
  get(key: string, loader: () => Promise<TokenCacheEntry> | TokenCacheEntry): Promise<string>
  peek(key: string): Promise<string | undefined>
  set(key: string, value: string, expiresAt: number, tags?: string[]): Promise<void>
  /** invalidate/invalidateTag/clear also win over a load in flight: its waiting callers get its value, but it is
   *  not stored. Tags may be any string. */
  invalidate(key: string): void
  invalidateTag(tag: string): void
  clear(): void
  readonly size: number
}

// ---- JWT (wasm/src/jwt.js) -------------------------------------------------------------------------------------

export type Duration = number | `${number}${'s' | 'm' | 'h' | 'd'}` | string

export interface JsonWebKeySet {
  keys: Array<Record<string, unknown>>
}

export interface JwtVerifyOptions {
  /** Exactly one of jwks, jwksUrl or secret. */
  jwks?: JsonWebKeySet | string
  jwksUrl?: string | URL
  secret?: string | Uint8Array
  /** Required with public keys, e.g. ['RS256'] or ['ES256', 'EdDSA']. */
  algorithms?: string[]
  issuer?: string | string[]
  audience?: string | string[]
  requiredClaims?: string[]
  /** Default 30 (seconds). */
  clockTolerance?: Duration
  maxTokenAge?: Duration
  maxTokenBytes?: number
  currentDate?: Date
  clock?: () => number
  /** For jwksUrl: the fetch to use and jose-like cache settings. */
  fetch?: typeof fetch
  cacheMaxAge?: number
  cooldownDuration?: number
  timeoutDuration?: number
  /** How long an invalidateSubject revocation is kept, then forgotten (seconds or a duration such as '36h').
   *  Default: the larger of maxTokenAge and 24 h. Set it to at least your tokens' lifetime. */
  revocationRetention?: Duration
}

export interface JwtClaims {
  iss?: string
  sub?: string
  aud?: string | string[]
  exp?: number
  nbf?: number
  iat?: number
  jti?: string
  [claim: string]: unknown
}

/** Verifies a JWS/JWT and checks its claims; rejects with EdgepgError ERR_JWT_* / ERR_JWKS_*. */
export function verifyJwt<C extends JwtClaims = JwtClaims>(token: string, options: JwtVerifyOptions): Promise<C>

export class JwtVerifier {
  constructor(options: JwtVerifyOptions & { cache?: boolean })
  verify<C extends JwtClaims = JwtClaims>(token: string, options?: { tags?: string[]; currentDate?: Date }): Promise<C>
  /** Revokes sub's tokens issued at or before atMs (ms since the epoch; default now), and its tokens without iat:
   *  verify rejects them with EdgepgError ERR_JWT_REVOKED, cached or not, for revocationRetention. Tokens issued
   *  after atMs are accepted; revoking again never moves the time back. */
  invalidateSubject(sub: string, atMs?: number): void
  dispose(): void
}

// ---- identityGate (wasm/src/identity.js) -----------------------------------------------------------------------

export interface IdentityGateOptions extends Partial<JwtVerifyOptions>, PoolOptions {
  /** The PostgreSQL roles a token may map to (required unless `gateway` is set; then checked again on the role the
   *  gateway chose). */
  allowedRoles?: string[]
  /** Gateway mode: each request's bearer token is the password of its own connection to edgepg-gateway, which
   *  verifies it and logs in as the mapped role; the edge holds no password and no keys. The gateway's Client
   *  options (webSocketUrl required; never a password). */
  gateway?: Omit<ConnectionOptions, 'password'> & { webSocketUrl: string }
  /** A dotted claim path of nested keys ('role', 'app_metadata.role'; a literal dot inside a key is written '\\.',
   *  e.g. 'https://example\\.com/roles') or a function of the claims. Default 'role'. */
  roleClaim?: string | ((claims: JwtClaims) => string | Promise<string>)
  /** Decides the role from the service's own store instead of the token; cached per subject for resolveRoleTtl
   *  ms (default 60000); refreshRole(sub) and invalidateSubject(sub) drop the cached role. */
  resolveRole?: (claims: JwtClaims) => string | Promise<string>
  resolveRoleTtl?: number
  /** Where the database's own error text goes (the client gets only the SQLSTATE). Default console.error. */
  log?: (message: string, error: unknown) => void
  /** The role for requests without a token; without it they get 401. */
  anonymousRole?: string
  /** A pool to use (else one is made from `connection`, or from these options). */
  pool?: Pool
  connection?: string | PoolOptions
}

/** The db of a gate handler: one sealed unit of work. Queries run one at a time as single statements; a
 *  statement that ends the transaction stops the request (EGATETX); transaction(fn) is a SAVEPOINT; after the
 *  handler returns every call rejects with EGATECLOSED. */
export interface GateDb {
  query<R = any>(text: string, values?: QueryValue[]): Promise<QueryResult<R>>
  query<R = any>(config: QueryConfig): Promise<QueryResult<R>>
  transaction<T>(fn: (db: GateDb) => Promise<T>): Promise<T>
}

export interface IdentityGate {
  /** Verifies the request's bearer token, then runs fn as one sealed unit of work as the mapped role with
   *  request.jwt.claims set; failures become 401/403/500/503/504 JSON responses. */
  handle(request: Request, fn: (db: GateDb, claims: JwtClaims, role: string) => Promise<Response> | Response): Promise<Response>
  run<T>(token: string | null | undefined, fn: (db: GateDb, claims: JwtClaims, role: string) => Promise<T> | T): Promise<T>
  /** As JwtVerifier.invalidateSubject (401 ERR_JWT_REVOKED for the revoked tokens); also drops the cached role. */
  invalidateSubject(sub: string, atMs?: number): void
  /** Drops the role resolveRole gave for sub, so the next request asks again. */
  refreshRole(sub: string): void
  readonly pool: Pool
  end(): Promise<void>
}

export function identityGate(options: IdentityGateOptions): IdentityGate

// ---- RDS IAM (wasm/src/rds.js) ---------------------------------------------------------------------------------

export interface AwsCredentials {
  accessKeyId: string
  secretAccessKey: string
  sessionToken?: string
  /** When temporary credentials expire: rdsIamPassword never serves a token past it. */
  expiration?: Date | number
}

export interface RdsAuthTokenOptions {
  hostname: string
  /** Default 5432. */
  port?: number
  username: string
  region: string
  credentials: AwsCredentials | (() => AwsCredentials | Promise<AwsCredentials>)
  /** Signing time (default now). */
  now?: Date | number
}

/** An RDS IAM auth token (a SigV4-presigned connect URL, valid 15 minutes), made in the core. */
export function rdsAuthToken(options: RdsAuthTokenOptions): Promise<string>

/** A password provider for Client/Pool: RDS IAM tokens cached within their lifetime. */
export function rdsIamPassword(
  options: Omit<RdsAuthTokenOptions, 'now'> & { cache?: TokenCache; clock?: () => number },
): () => Promise<string>

// ---- Keyless: workload identity federation (wasm/src/keyless-*.js, vercel.js) ------------------------------------

/** The workload's OIDC token, or a function giving it (called at each refresh, so a rotated token is picked up). */
export type OidcTokenSource = string | (() => string | Promise<string>)

/** What the keyless providers share. Failures: EdgepgError ECREDENTIALS (detail: the service's error code),
 * ETIMEDOUT (no answer within `timeout`), EINVAL (options), ECACHE (within the error cooldown after a failure). */
export interface KeylessProviderOptions {
  token: OidcTokenSource
  /** Default globalThis.fetch. */
  fetch?: typeof fetch
  /** The clock, ms since the epoch (default Date.now); `clock` is accepted too. */
  now?: () => number
  clock?: () => number
  /** Per request, ms (default 10000). */
  timeout?: number
  /** Refresh this long before expiry, ms (default 300000). */
  refreshWindow?: number
  cache?: TokenCache
}

export interface AwsWebIdentityOptions extends KeylessProviderOptions {
  /** arn:aws:iam::<account>:role/<name>; its trust policy must allow the token's issuer, aud and sub. */
  roleArn: string
  /** Picks the STS endpoint: https://sts.<region>.amazonaws.com/. */
  region: string
  /** RoleSessionName (default 'edgepg'). */
  sessionName?: string
  /** 900..43200 (default: the role's, one hour). */
  durationSeconds?: number
  /** Overrides the STS endpoint (https://, or http:// to loopback for tests). */
  endpoint?: string
}

/** STS AssumeRoleWithWebIdentity: a credentials provider for rdsAuthToken / rdsIamPassword, cached until the
 * credentials' expiry minus the refresh window, one exchange at a time. */
export function awsWebIdentityCredentials(
  options: AwsWebIdentityOptions,
): () => Promise<Required<Pick<AwsCredentials, 'accessKeyId' | 'secretAccessKey' | 'sessionToken'>> & { expiration: Date }>

export interface GcpAccessTokenOptions extends KeylessProviderOptions {
  /** //iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider> */
  audience: string
  /** Impersonate this service account (IAM Credentials generateAccessToken); the usual path to Cloud SQL. */
  serviceAccount?: string
  /** Default ['https://www.googleapis.com/auth/sqlservice.login'] (Cloud SQL IAM database authentication). */
  scopes?: string[]
  /** The impersonated token's lifetime (default 3600). */
  lifetimeSeconds?: number
  endpoints?: { sts?: string; iamCredentials?: string }
}

/** Google workload identity federation: a password provider giving an OAuth2 access token (Cloud SQL IAM login). */
export function gcpAccessToken(options: GcpAccessTokenOptions): () => Promise<string>

export interface AzureAccessTokenOptions extends KeylessProviderOptions {
  tenantId: string
  clientId: string
  /** Default 'https://ossrdbms-aad.database.windows.net/.default' (Azure Database for PostgreSQL). */
  scope?: string
  /** Default https://login.microsoftonline.com (AZURE_AUTHORITY_HOST); `endpoint` is accepted too. */
  authorityHost?: string
  endpoint?: string
}

/** Entra ID with a federated client assertion: a password provider giving an Entra access token. */
export function azureAccessToken(options: AzureAccessTokenOptions): () => Promise<string>

/** Vercel's OIDC token: the request's x-vercel-oidc-token header, else VERCEL_OIDC_TOKEN. Throws EINVAL without one. */
export function vercelOidcToken(request?: { headers: Headers | Record<string, string | string[] | undefined> }): string
