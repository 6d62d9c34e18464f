// The `db` an identityGate handler gets: one request's unit of work, sealed so that ordinary handler code cannot
// move the request into another identity or outlive it.
// - Queries run one at a time, each as a single statement (extended protocol, which refuses "COMMIT; SET ROLE x;
//   select ..." in one string), so a statement that ends the request's transaction is seen before anything runs
//   after it; from then on every query is refused (EGATETX) and the request fails.
// - transaction(fn) nests as a SAVEPOINT: it can never COMMIT the request's transaction.
// - When the handler's callback settles, db is revoked: later use (a lazy streamed response, a db kept in a
//   global) rejects with EGATECLOSED instead of running on a connection that by then serves another request.
import { EdgepgError } from './errors.js'

const txEnded = () => new EdgepgError('EGATETX', "a statement of the handler ended the request's transaction (COMMIT, " +
  "ROLLBACK, ...): its role and claims are gone, so nothing more runs; use db.transaction(fn) for a nested unit " +
  '(a savepoint)')
const closed = () => new EdgepgError('EGATECLOSED', "this db belongs to a request whose handler has returned: query " +
  'inside the handler (await before returning), or stream from rows already read')

export class GateSession {
  #client
  #tail = Promise.resolve()
  #open = true
  #ended = null
  #savepoints = 0

  constructor(client) {
    this.#client = client
  }

  // query(text, values?, callback?) or query({ text, values, rowMode, ... }), as Client.query.
  query(config, values, callback) {
    if (typeof values === 'function') {
      callback = values
      values = undefined
    }
    const p = this.#open ? this.#enqueue(() => this.#run(config, values)) : Promise.reject(closed())
    if (typeof callback === 'function') {
      p.then((r) => callback(null, r), (e) => callback(e))
      return undefined
    }
    return p
  }

  // A nested unit of work: SAVEPOINT, then RELEASE when fn returns, ROLLBACK TO (and rethrow) when it throws.
  async transaction(fn, opts) {
    if (opts && (opts.isolationLevel !== undefined || opts.readOnly !== undefined || opts.deferrable !== undefined)) {
      throw new EdgepgError('EINVAL', "a transaction inside the gate is a savepoint of the request's transaction: " +
        'isolation level and read-only mode are the request\'s')
    }
    const name = `edgepg_savepoint_${++this.#savepoints}`
    await this.query(`SAVEPOINT ${name}`)
    let result
    try {
      result = await fn(this)
    } catch (err) {
      await this.query(`ROLLBACK TO SAVEPOINT ${name}`).catch(() => {})
      throw err
    }
    await this.query(`RELEASE SAVEPOINT ${name}`)
    return result
  }

  #enqueue(task) {
    const p = this.#tail.then(task)
    this.#tail = p.catch(() => {})
    return p
  }

  async #run(config, values) {
    if (this.#ended) throw this.#ended
    const client = this.#client
    if (client.transactionStatus === 'I') throw (this.#ended = txEnded())
    const query = typeof config === 'string' ? { text: config, values } : { ...config, values: config?.values ?? values }
    query.values ??= [] // the extended protocol even without parameters: one statement per query
    try {
      return await client.query(query)
    } finally {
      if (client.transactionStatus === 'I') this.#ended ??= txEnded()
    }
  }

  // Revokes db; resolves once the queries issued before are done. Throws when a handler statement ended the unit.
  async close() {
    this.#open = false
    await this.#tail
    if (this.#ended) throw this.#ended
  }
}
