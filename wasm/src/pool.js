// Pool with node-postgres's shape: query(), connect() giving a client with release(err?), end(), events.
// A client whose connection broke, or that is released with an error, is dropped, never handed out again. With
// resetOnRelease, every released client runs DISCARD ALL before it is handed out again.
import { Client } from './client.js'
import { Emitter } from './emitter.js'
import { EdgepgError } from './errors.js'
import { runTransaction } from './transaction.js'

export class Pool extends Emitter {
  #config
  #idle = [] // { client, timer }
  #all = new Set()
  #waiting = [] // { resolve, reject, timer }
  #ending = false
  #pendingCreates = 0
  #checkedOut = new Set()

  constructor(config = {}) {
    super()
    this.#config = typeof config === 'string' ? { connectionString: config } : { ...config }
    this.options = { max: 10, idleTimeoutMillis: 10000, connectionTimeoutMillis: 10000, ...this.#config }
    // Readable, but never enumerated: JSON.stringify(pool), util.inspect(pool) and logs of pool.options leave out
    // the password and the connection string (which may hold it).
    for (const secret of ['password', 'connectionString']) {
      if (secret in this.options) Object.defineProperty(this.options, secret, { enumerable: false })
    }
    this.Client = this.#config.Client ?? Client
  }

  get totalCount() {
    return this.#all.size
  }
  get idleCount() {
    return this.#idle.length
  }
  get waitingCount() {
    return this.#waiting.length
  }
  get ended() {
    return this.#ending
  }

  connect(callback) {
    const p = this.#acquire()
    if (typeof callback === 'function') {
      p.then((c) => callback(null, c, c.release), (e) => callback(e, undefined, () => {})) // pg passes a no-op release
      return undefined
    }
    return p
  }

  async #acquire() {
    if (this.#ending) throw new EdgepgError('EINVAL', 'cannot use a pool after calling end() on it')
    const idle = this.#idle.pop()
    if (idle) {
      clearTimeout(idle.timer)
      return this.#handOut(idle.client)
    }
    if (this.#all.size + this.#pendingCreates < this.options.max) return this.#create()
    return new Promise((resolve, reject) => {
      const waiter = { resolve, reject, timer: null }
      const ms = this.options.connectionTimeoutMillis
      if (ms > 0) {
        waiter.timer = setTimeout(() => {
          this.#waiting.splice(this.#waiting.indexOf(waiter), 1)
          reject(new EdgepgError('ETIMEDOUT', `timed out after ${ms} ms waiting for a pooled connection (all ${this.options.max} busy; raise max or connectionTimeoutMillis)`))
        }, ms)
      }
      this.#waiting.push(waiter)
    })
  }

  async #create() {
    this.#pendingCreates++
    const client = new this.Client(this.#config)
    try {
      await client.connect()
    } catch (e) {
      this.#pendingCreates--
      this.#serveWaiter() // a slot is free again
      throw e
    }
    this.#pendingCreates--
    this.#all.add(client)
    client.release = (err) => {
      if (!this.#checkedOut.delete(client)) {
        throw new EdgepgError('EINVAL', 'release() was called on a client that is not checked out (called twice?)')
      }
      this.#release(client, err)
    }
    // A broken connection leaves the pool at once, even while idle.
    client.on('end', () => this.#remove(client))
    client.on('error', (err) => this.emit('error', err, client))
    this.emit('connect', client)
    return this.#handOut(client)
  }

  #handOut(client) {
    this.#checkedOut.add(client)
    this.emit('acquire', client)
    return client
  }

  #release(client, err) {
    this.emit('release', err, client)
    if (err || this.#ending || !this.#all.has(client) || client.transactionStatus !== 'I') {
      // An error, or a client left inside a transaction: drop it rather than hand out a poisoned connection.
      this.#drop(client)
      return
    }
    if (this.options.resetOnRelease) {
      // Session state (SET ROLE, SET, temp tables, LISTEN, prepared statements) never reaches the next holder: a
      // client that cannot be reset is closed, not reused. It stays out of the idle list until the reset is done.
      client.query('DISCARD ALL').then(
        () => (client.transactionStatus === 'I' ? this.#makeIdle(client) : this.#drop(client)),
        () => this.#drop(client),
      )
      return
    }
    this.#makeIdle(client)
  }

  #drop(client) {
    this.#remove(client)
    client.end().catch(() => {})
  }

  #makeIdle(client) {
    if (this.#ending || !this.#all.has(client)) {
      this.#drop(client)
      return
    }
    const waiter = this.#waiting.shift()
    if (waiter) {
      clearTimeout(waiter.timer)
      waiter.resolve(this.#handOut(client))
      return
    }
    const entry = { client, timer: null }
    if (this.options.idleTimeoutMillis > 0) {
      entry.timer = setTimeout(() => {
        const i = this.#idle.indexOf(entry)
        if (i >= 0) this.#idle.splice(i, 1)
        this.#drop(client)
      }, this.options.idleTimeoutMillis)
      entry.timer.unref?.()
    }
    this.#idle.push(entry)
  }

  #remove(client) {
    if (!this.#all.delete(client)) return
    const i = this.#idle.findIndex((e) => e.client === client)
    if (i >= 0) {
      clearTimeout(this.#idle[i].timer)
      this.#idle.splice(i, 1)
    }
    this.emit('remove', client)
    this.#serveWaiter()
  }

  // A connection slot became free: give it to the longest waiter.
  #serveWaiter() {
    if (this.#waiting.length === 0 || this.#ending) return
    if (this.#all.size + this.#pendingCreates >= this.options.max) return
    const waiter = this.#waiting.shift()
    clearTimeout(waiter.timer)
    this.#create().then(waiter.resolve, waiter.reject)
  }

  query(text, values, callback) {
    if (typeof values === 'function') {
      callback = values
      values = undefined
    }
    const p = (async () => {
      const client = await this.#acquire()
      try {
        return await client.query(text, values)
      } finally {
        client.release() // a broken client already left the pool through its 'end' event
      }
    })()
    if (typeof callback === 'function') {
      p.then((r) => callback(null, r), (e) => callback(e))
      return undefined
    }
    return p
  }

  async transaction(fn, opts) {
    const client = await this.#acquire()
    try {
      return await runTransaction(client, fn, opts)
    } finally {
      client.release()
    }
  }

  // end() or end(callback), as node-postgres.
  end(callback) {
    const p = this.#end()
    if (typeof callback === 'function') {
      p.then(() => callback(), (err) => callback(err))
      return undefined
    }
    return p
  }

  async #end() {
    if (this.#ending) return
    this.#ending = true
    for (const w of this.#waiting.splice(0)) {
      clearTimeout(w.timer)
      w.reject(new EdgepgError('EINVAL', 'the pool was ended while waiting for a connection'))
    }
    const idle = this.#idle.splice(0)
    for (const e of idle) clearTimeout(e.timer)
    await Promise.allSettled(idle.map((e) => {
      this.#all.delete(e.client)
      return e.client.end()
    }))
    // Clients still checked out end when released.
    this.emit('end')
  }
}
