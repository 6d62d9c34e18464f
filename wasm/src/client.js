// Client: one PostgreSQL connection over a WebSocket, with node-postgres's shape. The wasm core owns the protocol;
// this file owns the socket, the timers and the promises.
import { loadCore } from './core.js'
import { Emitter } from './emitter.js'
import { EdgepgError, coreError } from './errors.js'
import { checkTransportSecurity, resolveOptions, webSocketUrlFor } from './connection-options.js'
import { providePassword, sendExtended, sendRawTypes, sendSimple } from './request-encoding.js'
import { cachedScramKeys, rememberScramKeys, scramKeyId } from './scram-keys.js'
import { TapeReader } from './tape-reader.js'
import { runTransaction } from './transaction.js'
import { openWebSocket, webSocketConstructorFor } from './websocket.js'

const ignore = () => {}
// What #fatal holds once end() is done: never thrown (a later connect() or query() makes its own error).
const ENDED = new EdgepgError('ECONNCLOSED', 'Client was closed and is not queryable')

function randomNonce() {
  const bytes = new Uint8Array(18)
  crypto.getRandomValues(bytes)
  let s = ''
  for (const b of bytes) s += String.fromCharCode(b)
  return btoa(s)
}

// Lets the WebSocket close on its own: after a Terminate the server closes it (its Close frame is answered by the
// WebSocket itself), else the closing handshake starts here. A socket still open a second later is dropped (the
// `ws` package's terminate(); the `ws` package would hold a Node process for its own 30 s) or, where a WebSocket
// has no terminate(), closed.
function closeInBackground(ws, serverCloses) {
  ws.onopen = ws.onmessage = null
  ws.onerror = ignore
  const close = () => {
    try {
      ws.close(1000)
    } catch {}
  }
  const timer = setTimeout(() => {
    try {
      if (typeof ws.terminate === 'function') ws.terminate()
      else close()
    } catch {}
  }, 1000)
  ws.onclose = () => {
    clearTimeout(timer)
    ws.onclose = null
    close() // answers the server's Close where the WebSocket does not itself (Workers before 2026-04-07); else a no-op
  }
  if (!serverCloses) close()
}

function abortError(signal) {
  const why = signal?.reason instanceof Error ? ': ' + signal.reason.message : ''
  return new EdgepgError('EABORT', 'aborted by the caller (AbortSignal)' + why)
}

function emptyResult() {
  return { command: null, rowCount: null, oid: null, rows: [], fields: [] }
}

export class Client extends Emitter {
  #options
  #core = null
  #conn = null
  #header = 0
  #ws = null
  #queue = [] // pending queries, in the order their results will arrive
  #beforeLogin = [] // queries issued before the login finished (node-postgres queues them): { config, values, resolve, reject }
  #reader
  #flushScheduled = false
  #state = 'new' // new | connecting | ready | ending | closed
  #connectWaiter = null
  #connecting = null // the login's promise, once connect() was called
  #endedWhileConnecting = null // the error end() gave a login it interrupted
  #fatal = null // the error that ended the connection
  #ended = false // end() was called
  #typeParsers = new Map()
  #binaryParsers = new Map()
  #statements = new Map() // name -> the text last given for node-postgres's named statement `name`
  #prepared = new Map() // name -> text of the named statements parsed on this connection (server-side)
  #scramCacheKey = null
  #loginPipelined = false // the password went with the startup: queries may follow it before the login ends
  #holdFlush = false // a pipelined login waits for its password: nothing leaves before it

  constructor(config) {
    super()
    this.#options = resolveOptions(config)
    this.user = this.#options.user
    this.database = this.#options.database
    this.host = this.#options.host
    this.port = this.#options.port
    this.processID = null
    this.secretKey = null
    this.parameters = {}
    this.transactionStatus = 'I'
    for (const [oid, parser] of Object.entries(this.#options.types ?? {})) this.#typeParsers.set(Number(oid), parser)
    this.#reader = new TapeReader(this.#tapeSink(), this.#typeParsers)
  }

  // What the tape's events do to this client (see tape-reader.js). No wasm calls while the tape is read: deferred.
  #tapeSink() {
    return {
      head: () => this.#queue[0],
      result: (r) => this.#queue[0]?.results.push(r),
      emptyQuery: () => this.#queue[0]?.results.push(emptyResult()),
      ready: (status) => {
        this.transactionStatus = status
        if (this.#state === 'connecting') {
          this.#state = 'ready'
          const w = this.#connectWaiter
          this.#connectWaiter = null
          clearTimeout(w.timer)
          w.resolve()
          // Queries issued during the login go out now, in order, in one flush.
          for (const b of this.#beforeLogin.splice(0)) this.#query(b.config, b.values).then(b.resolve, b.reject)
          return
        }
        const q = this.#queue.shift()
        if (q) this.#settle(q)
        // node-postgres's 'drain': the queue of sent queries is empty again.
        if (this.#queue.length === 0) queueMicrotask(() => this.#queue.length === 0 && this.emit('drain'))
      },
      error: (err, fatal) => {
        if (fatal) {
          this.#fail(err, true)
          return true
        }
        const q = this.#queue[0]
        if (q && !q.error) q.error = err
        return false
      },
      notice: (notice) => queueMicrotask(() => this.emit('notice', notice)),
      parameter: (name, value) => {
        this.parameters[name] = value
      },
      backendKey: (pid, secret) => {
        this.processID = pid
        this.secretKey = secret
      },
      authenticated: () => queueMicrotask(() => rememberScramKeys(this.#conn, this.#scramCacheKey)),
      passwordNeeded: () => queueMicrotask(() => this.#supplyPassword()),
      notification: (n) => queueMicrotask(() => this.emit('notification', n)),
      broken: (err) => this.#fail(err),
    }
  }

  // connect(), connect(callback) or connect({ signal }): an AbortSignal ends a pending connect with EABORT.
  connect(arg) {
    const callback = typeof arg === 'function' ? arg : undefined
    const signal = typeof arg === 'object' && arg !== null ? arg.signal : undefined
    const attempt = this.#connect(signal)
    this.#connecting ??= attempt // a second connect() fails without touching the first
    // Resolves to the client, as node-postgres. A login ended by the caller's own end() rejects, but as a handled
    // rejection: pg leaves that connect() pending, so code that never awaits it must not crash on it here.
    const result = new Promise((resolve, reject) => {
      attempt.then(() => resolve(this), (err) => {
        if (err === this.#endedWhileConnecting) result.catch(ignore)
        reject(err)
      })
    })
    const p = this.#userPromise(result)
    if (typeof callback === 'function') {
      p.then(() => callback(null, this), (err) => callback(err))
      return undefined
    }
    return p
  }

  async #connect(signal) {
    if (this.#state !== 'new') {
      throw new EdgepgError('EINVAL', 'this Client has already been connected; a Client cannot be reused, make a new one')
    }
    if (signal?.aborted) throw abortError(signal)
    signal?.addEventListener('abort', () => {
      if (this.#state === 'connecting') this.#fail(abortError(signal))
    }, { once: true })
    this.#state = 'connecting'
    const o = this.#options
    const url = webSocketUrlFor(o)
    checkTransportSecurity(o, url) // sslmode=require and up need wss://
    webSocketConstructorFor(o) // fails fast (ENOWEBSOCKET) before the wasm loads
    const core = (this.#core = await loadCore())
    if (this.#fatal) throw this.#fatal // end() or an abort while the core loaded: no socket is opened
    // A SCRAM nonce only where SCRAM may run (requireAuth 'password' alone refuses it before a nonce is used).
    const nonce = o.requireAuth.trim() === 'password' ? '' : randomNonce()
    const conn = (this.#conn = new core.Connection(o.user, o.database ?? '', o.application_name, nonce, o.maxMessageSize))
    this.#header = conn.header() >>> 2
    this.#check(conn.setAuthPolicy(o.requireAuth, o.scramMaxIterations))
    this.#wantNotifications()
    this.#sendRawTypes()
    for (const [name, value] of o.startupParameters) this.#check(conn.addStartupParameter(name, value))
    this.#check(conn.start())
    if (o.pipelineConnect === 'password' && o.password != null) this.#pipelineLogin()

    await new Promise((resolve, reject) => {
      this.#connectWaiter = { resolve, reject }
      const timer = setTimeout(() => {
        this.#fail(new EdgepgError('ETIMEDOUT', `connection timed out after ${o.connectionTimeoutMillis} ms (connectionTimeoutMillis)`))
      }, o.connectionTimeoutMillis)
      this.#connectWaiter.timer = timer
      // The socket opens in websocket.js (constructor, global WebSocket, or Cloudflare's fetch upgrade); a socket
      // that opens after a timeout or end() is closed there.
      openWebSocket(url, o, () => this.#state !== 'connecting').then((ws) => {
        if (this.#state !== 'connecting') return
        this.#ws = ws
        ws.onmessage = (ev) => this.#onData(ev.data)
        ws.onerror = ignore // an error after opening is followed by close
        ws.onclose = (ev) => {
          const code = ev?.code
          const what = this.#state === 'connecting' ? 'the connection closed during login' : 'Connection terminated unexpectedly'
          this.#fail(new EdgepgError('ECONNCLOSED', what + (code ? ` (WebSocket close code ${code})` : '')))
        }
        this.#flush()
      }, (err) => this.#fail(err))
    })
  }

  // NotificationResponses are decoded only while someone listens: a server cannot fill memory with ones nobody
  // asked for (they are dropped in the core).
  on(event, fn) {
    super.on(event, fn)
    if (event === 'notification') this.#wantNotifications()
    return this
  }

  off(event, fn) {
    super.off(event, fn)
    if (event === 'notification') this.#wantNotifications()
    return this
  }

  #wantNotifications() {
    this.#conn?.setNotificationsWanted(this.listenerCount('notification') > 0)
  }

  // A status code from the core: 0 or a failure that ends the connection.
  #check(status) {
    if (status !== 0) {
      const err = coreError(status, this.#conn.lastError())
      this.#fail(err)
      throw err
    }
  }

  #heapU32() {
    return this.#core.HEAPU32
  }

  #scheduleFlush() {
    if (this.#flushScheduled) return
    this.#flushScheduled = true
    queueMicrotask(() => {
      this.#flushScheduled = false
      this.#flush()
    })
  }

  // Everything the core produced since the last flush leaves as one WebSocket message.
  // Returns whether a message went out. `ws`: the socket end() took from the client.
  #flush(ws = this.#ws) {
    if (!ws || ws.readyState !== 1 || !this.#conn || this.#holdFlush) return false
    const h = this.#heapU32()
    const len = h[this.#header + 1]
    if (len === 0) return false
    const addr = h[this.#header]
    const bytes = this.#core.HEAPU8.slice(addr, addr + len)
    this.#conn.clearOutput()
    ws.send(bytes)
    return true
  }

  #onData(data) {
    if (!this.#conn || this.#fatal) return
    if (typeof data === 'string') {
      this.#fail(new EdgepgError('EPROTO', 'the WebSocket proxy sent a text message; PostgreSQL bytes must arrive as binary messages'))
      return
    }
    let bytes
    if (data instanceof ArrayBuffer) bytes = new Uint8Array(data)
    else if (ArrayBuffer.isView(data)) bytes = new Uint8Array(data.buffer, data.byteOffset, data.byteLength)
    else {
      this.#fail(new EdgepgError('EPROTO', "the WebSocket delivered a message that is neither an ArrayBuffer nor a byte view; give edgepg a WebSocket whose binaryType can be 'arraybuffer'"))
      return
    }
    const conn = this.#conn
    const addr = conn.requestBuffer(bytes.length)
    this.#core.HEAPU8.set(bytes, addr)
    const status = conn.receive(bytes.length)
    const err = status === 0 ? null : coreError(status, conn.lastError())
    this.#reader.read(this.#core, this.#header, this.#options.int8) // events before a failure (e.g. a server error) still count
    if (err) this.#fail(err)
    else this.#flush()
  }

  // node-postgres's setTypeParser(oid, [format,] parser): values of this type arrive as text and go through
  // `parser`. edgepg receives text only, so a 'binary' parser is kept (getTypeParser returns it) but never applies.
  setTypeParser(oid, format, parser) {
    if (typeof format === 'function') {
      parser = format
      format = 'text'
    }
    if (format === 'binary') {
      this.#binaryParsers.set(Number(oid), parser)
      return
    }
    this.#typeParsers.set(Number(oid), parser)
    this.#sendRawTypes()
  }

  // node-postgres's getTypeParser: the parser set for this type, or identity (values arrive decoded otherwise).
  getTypeParser(oid, format = 'text') {
    const map = format === 'binary' ? this.#binaryParsers : this.#typeParsers
    return map.get(Number(oid)) ?? ((v) => v)
  }

  #sendRawTypes() {
    if (this.#conn) sendRawTypes(this.#core, this.#conn, [...this.#typeParsers.keys()])
  }

  // The password: a string or a (possibly async) function. undefined when it failed (the connection has failed then).
  async #resolvePassword() {
    let password = this.#options.password
    try {
      if (typeof password === 'function') password = await password()
    } catch (e) {
      this.#fail(new EdgepgError('EAUTH', 'the password provider failed: ' + (e?.message ?? 'unknown error')))
      return undefined
    }
    if (typeof password !== 'string') {
      this.#fail(new EdgepgError('EAUTH', 'the server asks for a password: set password (a string or a function returning one)'))
      return undefined
    }
    return this.#fatal || !this.#conn ? undefined : password
  }

  // A pipelined login (pipelineConnect: 'password'): the password right behind the startup, then the queries issued so
  // far, all in the first WebSocket message (the first flush waits for the password). The core checks the policy
  // allows nothing but a cleartext password.
  async #pipelineLogin() {
    this.#holdFlush = true
    const password = await this.#resolvePassword()
    this.#holdFlush = false
    if (password === undefined) return
    let status = providePassword(this.#core, this.#conn, password)
    if (status === 0) status = this.#conn.pipelinePassword()
    if (status !== 0) {
      this.#fail(coreError(status, this.#conn.lastError()))
      return
    }
    this.#loginPipelined = true
    for (const b of this.#beforeLogin.splice(0)) this.#query(b.config, b.values).then(b.resolve, b.reject)
    this.#flush()
  }

  // Otherwise the password is asked for only when the server wants it.
  async #supplyPassword() {
    const password = await this.#resolvePassword()
    if (password === undefined) return
    if (this.#options.scramKeyCache !== false) {
      // Keys from an earlier login with this password skip PBKDF2 (the core uses them only if the salt and
      // iteration count match).
      this.#scramCacheKey = scramKeyId(this.#core, this.#options, password)
      const keys = await cachedScramKeys(this.#scramCacheKey)
      if (this.#fatal || !this.#conn) return
      if (keys) this.#conn.useScramKeys(keys)
    }
    const status = providePassword(this.#core, this.#conn, password)
    if (status !== 0) {
      this.#fail(coreError(status, this.#conn.lastError()))
      return
    }
    this.#flush()
  }

  // Whether this connection's SCRAM login reused cached keys (and so ran no PBKDF2).
  get scramUsedCachedKeys() {
    return this.#conn ? this.#conn.scramUsedCachedKeys() : false
  }

  #settle(q) {
    if (q.error) {
      // Whether its Parse succeeded is unknown (or 26000: the statement is gone): the next use parses it again.
      if (q.name !== undefined) this.#prepared.delete(q.name)
      q.reject(q.error)
      return
    }
    const r = q.results
    // DEALLOCATE (a name or ALL) and DISCARD ALL drop server-side statements: parse every name again when next used
    // (a Parse of a named statement closes that name first, so one still there is no error).
    if (r.some((x) => x.command === 'DEALLOCATE' || x.command === 'DISCARD')) this.#prepared.clear()
    q.resolve(r.length === 0 ? emptyResult() : r.length === 1 ? r[0] : r)
  }

  // Ends the connection with an error: every pending query and a pending connect reject with it.
  // fromServer: a FATAL ErrorResponse after the login. As node-postgres: the query running gets it, the ones behind it
  // "Connection terminated unexpectedly" (with the server's error as the cause).
  #fail(err, fromServer = false) {
    if (this.#fatal) return
    this.#fatal = err
    const wasConnecting = this.#state === 'connecting'
    this.#state = 'closed'
    if (this.#connectWaiter) {
      clearTimeout(this.#connectWaiter.timer)
      this.#connectWaiter.reject(err)
      this.#connectWaiter = null
    }
    const pending = [...this.#queue, ...this.#beforeLogin]
    this.#queue = []
    this.#beforeLogin = []
    pending.forEach((q, i) => {
      if (i === 0 || !fromServer || wasConnecting) {
        q.reject(err)
        return
      }
      const lost = new EdgepgError('ECONNCLOSED', 'Connection terminated unexpectedly')
      lost.cause = err
      q.reject(lost)
    })
    this.#closeSocket()
    this.#release()
    // As node-postgres: a connection lost after the login is also the client's 'error' (when someone listens;
    // without a listener it is not thrown).
    if (!wasConnecting && this.listenerCount('error') > 0) this.emit('error', err)
    this.emit('end')
  }

  #closeSocket() {
    const ws = this.#ws
    this.#ws = null
    if (!ws) return
    // Keep an error listener: the `ws` package throws errors that have none (e.g. a bad close frame).
    ws.onopen = ws.onmessage = ws.onclose = null
    ws.onerror = ignore
    try {
      ws.close()
    } catch {}
  }

  // Frees the core's connection (its memory lives in the wasm heap, not the JS heap).
  #release() {
    if (this.#conn) {
      this.#conn.delete()
      this.#conn = null
    }
  }

  // query(text, values?, callback?) or query({ text, values, rowMode, signal, query_timeout }).
  query(config, values, callback) {
    if (typeof values === 'function') {
      callback = values
      values = undefined
    }
    // A server error's stack is taken where the caller awaits it (node-postgres does the same), so it names the
    // caller's frames rather than the socket's.
    const p = this.#userPromise(this.#query(config, values).catch((err) => {
      if (err instanceof Error && Error.captureStackTrace) Error.captureStackTrace(err)
      throw err
    }))
    if (typeof callback === 'function') {
      p.then((r) => callback(null, r), (err) => callback(err))
      return undefined
    }
    return p
  }

  // node-postgres's `Promise` option: promises of that library instead of the runtime's.
  #userPromise(p) {
    const P = this.#options.Promise
    return typeof P?.resolve === 'function' ? P.resolve(p) : p
  }

  #query(config, values) {
    let text, rowMode, signal
    let types = this.#options.typeParserSource // pg's `types: { getTypeParser }` option: for every query
    let timeout = this.#options.query_timeout
    let name
    if (typeof config === 'string') text = config
    else if (config && typeof config.name === 'string' && config.name !== '' &&
      (config.text == null || typeof config.text === 'string')) {
      // node-postgres's named statements: parsed once per connection under that name, then bound and executed;
      // { name, values } runs the text given with that name earlier (no text at all: pg parses an empty query).
      name = config.name
      text = config.text ?? this.#statements.get(name) ?? ''
    } else if (config && typeof config.text === 'string') {
      text = config.text
    } else {
      return this.#refuse(new EdgepgError('EINVAL', 'query() needs SQL text or a { text, values } object'))
    }
    if (typeof config === 'object') {
      values = config.values ?? values
      rowMode = config.rowMode
      signal = config.signal
      timeout = config.query_timeout ?? timeout
      if (typeof config.types?.getTypeParser === 'function') types = config.types
      if (config.queryMode === 'extended' || name !== undefined) values ??= []
    }
    if (this.#ended && this.#state !== 'ending') {
      return Promise.reject(new EdgepgError('ECONNCLOSED', 'Client was closed and is not queryable'))
    }
    // Behind a pipelined login a query is sent at once: the server runs it when the login is done.
    const behindLogin = this.#state === 'connecting' && this.#loginPipelined
    if ((this.#state === 'new' || this.#state === 'connecting') && !behindLogin) {
      // node-postgres queues queries issued before (or during) the login and runs them after it.
      return new Promise((resolve, reject) => this.#beforeLogin.push({ config, values, resolve, reject }))
    }
    if (this.#state !== 'ready' && !behindLogin) {
      // node-postgres's messages, with the cause of a broken connection added.
      const err = this.#ended ? new EdgepgError('ECONNCLOSED', 'Client was closed and is not queryable')
        : new EdgepgError('ECONNCLOSED', 'Client has encountered a connection error and is not queryable')
      if (!this.#ended && this.#fatal) err.cause = this.#fatal // what broke the connection
      return Promise.reject(err)
    }
    if (signal?.aborted) return Promise.reject(abortError(signal))
    if (this.#options.queryMode === 'extended') values ??= [] // node-postgres's option: one statement per query
    const parsed = name === undefined ? undefined : this.#prepared.get(name)
    if (parsed !== undefined && parsed !== text) {
      return this.#refuse(new EdgepgError('EINVAL', `Prepared statements must be unique - '${name}' was used for a different statement`))
    }
    let status
    try {
      const raw = types !== undefined // a per-query parser gets every column as text, as with node-postgres
      if (name !== undefined) {
        status = sendExtended(this.#core, this.#conn, text, values, raw, { name, parse: parsed === undefined })
      } else {
        status = values && values.length > 0 ? sendExtended(this.#core, this.#conn, text, values, raw) : this.#sendSimple(text, values, raw)
      }
    } catch (e) {
      return Promise.reject(e)
    }
    if (status !== 0) return Promise.reject(coreError(status, this.#conn.lastError()))
    // Counted as parsed from now on, so a query queued right behind it binds it without a Parse; a failure of this
    // query forgets it again (#settle).
    if (name !== undefined) {
      this.#prepared.set(name, text)
      this.#statements.set(name, text)
    }
    this.#scheduleFlush()
    return new Promise((resolve, reject) => {
      const q = { rowMode, types, name, results: [], error: null, resolve, reject }
      this.#queue.push(q)
      if (signal || timeout > 0) this.#watch(q, signal, timeout)
    })
  }

  // A query refused before it was sent. node-postgres queues it like any other, fails it, and then emits 'drain' when
  // nothing else is pending: the same here, after the caller's callback or continuation has run.
  #refuse(err) {
    if (this.#state === 'ready' && this.#queue.length === 0) {
      setTimeout(() => this.#state === 'ready' && this.#queue.length === 0 && this.emit('drain'), 0)
    }
    return Promise.reject(err)
  }

  // An aborted query rejects at once and the server is asked to cancel it (CancelRequest on a new socket); its
  // results, if any still arrive, are dropped. A query that times out (query_timeout) ends the connection: what the
  // server did is unknown, so nothing is retried and no later query waits behind it (a Pool opens a fresh one).
  #watch(q, signal, timeout) {
    let timer = null
    const onAbort = () => {
      done()
      q.aborted = true // end() does not wait for an answer the caller gave up on
      q.reject(abortError(signal))
      q.resolve = q.reject = ignore
      this.#cancel()
    }
    const done = () => {
      clearTimeout(timer)
      signal?.removeEventListener('abort', onAbort)
    }
    if (timeout > 0) {
      timer = setTimeout(() => {
        done()
        // node-postgres's exact message (code ETIMEDOUT); the connection is closed on purpose: what the server did is
        // unknown, so nothing waits behind it (detail says so).
        this.#fail(new EdgepgError('ETIMEDOUT', 'Query read timeout', {
          detail: `the query ran longer than query_timeout (${timeout} ms); the connection was closed, nothing was retried`,
        }))
      }, timeout)
    }
    signal?.addEventListener('abort', onAbort, { once: true })
    const { resolve, reject } = q
    q.resolve = (v) => (done(), resolve(v))
    q.reject = (e) => (done(), reject(e))
  }

  // Asks the server to cancel what this session is running, on a separate connection (best effort).
  #cancel() {
    const conn = this.#conn
    const addr = conn?.cancelRequest()
    if (!addr) return
    const bytes = this.#core.HEAPU8.slice(addr, addr + 16)
    openWebSocket(webSocketUrlFor(this.#options), this.#options, () => false).then((ws) => {
      ws.onerror = ignore
      ws.onclose = null
      ws.send(bytes)
      setTimeout(() => {
        try {
          ws.close()
        } catch {}
      }, 100)
    }, ignore)
  }

  #sendSimple(text, values, raw) {
    if (values !== undefined && !Array.isArray(values)) throw new EdgepgError('EINVAL', 'query values must be an array')
    // An empty value list still uses the extended protocol when asked for explicitly, as node-postgres does.
    if (Array.isArray(values)) return sendExtended(this.#core, this.#conn, text, values, raw)
    return sendSimple(this.#core, this.#conn, text, raw)
  }

  // node-postgres's getTransactionStatus(): 'I' idle, 'T' in a transaction, 'E' in a failed transaction.
  getTransactionStatus() {
    return this.transactionStatus
  }

  // Runs fn(client) in a transaction: COMMIT on return, ROLLBACK and rethrow on throw.
  transaction(fn, opts) {
    return runTransaction(this, fn, opts)
  }

  // end() or end(callback). Queries already sent finish first; a client never connected stays connectable (as
  // with node-postgres).
  end(callback) {
    const p = this.#userPromise(this.#end())
    if (typeof callback === 'function') {
      p.then(() => callback(), (err) => callback(err))
      return undefined
    }
    return p
  }

  async #end() {
    if (this.#state === 'connecting' && (this.#beforeLogin.length > 0 || this.#queue.length > 0)) {
      // Queries wait for the login: it finishes, they run, then the client ends (node-postgres in pipeline mode;
      // edgepg always pipelines). A failed login has failed them already.
      await this.#connecting.catch(ignore)
    }
    this.#ended = true // as node-postgres: even before connect(), later queries fail as "closed"
    if (this.#state === 'new') return
    if (this.#state === 'closed') {
      this.#release()
      return
    }
    if (this.#state === 'connecting') {
      this.#endedWhileConnecting = new EdgepgError('ECONNCLOSED', 'the client was ended while connecting')
      this.#fail(this.#endedWhileConnecting)
      return
    }
    this.#state = 'ending'
    // Let queries already sent finish first, as node-postgres does.
    await Promise.allSettled(this.#queue.filter((q) => !q.aborted).map((q) => new Promise((r) => {
      const { resolve, reject } = q
      q.resolve = (v) => { resolve(v); r() }
      q.reject = (e) => { reject(e); r() }
    })))
    // Every answer is in: the Terminate goes out and end() is done. The server ends the connection on it (PostgreSQL
    // closes, and so does the proxy's WebSocket; edgepg-gateway closes it at once), which is not awaited (libpq's
    // PQfinish does not wait either): it can change nothing, and awaiting it would cost an edge function one more
    // round trip to the proxy before its response.
    const ws = this.#ws
    this.#ws = null
    if (ws) {
      let terminated = false
      try {
        if (this.#conn) {
          this.#conn.terminate()
          terminated = this.#flush(ws)
        }
      } catch {} // a socket that refused the Terminate is closed below all the same
      closeInBackground(ws, terminated)
    }
    this.#state = 'closed'
    this.#fatal = ENDED // a marker (queries after end() get their own error, see #query): no stack taken per end()
    this.#release()
    this.emit('end')
  }
}
