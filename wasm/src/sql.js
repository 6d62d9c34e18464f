// neon()-style tagged templates (like @neondatabase/serverless, in the manner of postgres.js): a template becomes a
// lazy, awaitable query; every interpolated value becomes a $n parameter; nested templates inline recursively;
// sql.unsafe() marks trusted raw SQL and refuses to be awaited.
import { EdgepgError } from './errors.js'
import { Pool } from './pool.js'
import { beginStatement } from './transaction.js'

class UnsafeRawSql {
  constructor(sql) {
    this.sql = sql
  }
  then(_resolve, reject) {
    const err = new EdgepgError('EINVAL', 'sql.unsafe() makes a fragment to embed in sql`...`; to run raw SQL, use sql.query(text)')
    if (reject) reject(err)
    else throw err
  }
}

class SqlTemplate {
  constructor(run, strings, values) {
    this.strings = strings
    this.values = values
    this.run = run
  }
  // Appends this template's text to parts and its values to params, numbering placeholders as it goes.
  compile(parts, params) {
    const { strings, values } = this
    for (let i = 0; i < strings.length; i++) {
      parts.push(strings[i])
      if (i < values.length) {
        const v = values[i]
        if (v instanceof SqlTemplate) v.compile(parts, params)
        else if (v instanceof UnsafeRawSql) parts.push(v.sql)
        else {
          params.push(v)
          parts.push('$' + params.length)
        }
      }
    }
  }
  toParameterizedQuery() {
    const parts = []
    const params = []
    this.compile(parts, params)
    return { query: parts.join(''), params }
  }
  then(resolve, reject) {
    const { query, params } = this.toParameterizedQuery()
    return this.run(query, params).then(resolve, reject)
  }
  catch(reject) {
    return this.then(undefined, reject)
  }
  finally(fn) {
    return this.then((v) => { fn(); return v }, (e) => { fn(); throw e })
  }
}

function shape(result, opts) {
  return opts.fullResults ? result : result.rows
}

export function neon(connectionString, options = {}) {
  if (!connectionString || typeof connectionString !== 'string') {
    throw new EdgepgError('EINVAL', 'neon() needs a connection string, e.g. neon(process.env.DATABASE_URL, { webSocketUrl })')
  }
  const { fullResults = false, arrayMode = false, ...poolOptions } = options
  const defaults = { fullResults, arrayMode }
  let pool = null
  const getPool = () => (pool ??= new Pool({ max: 5, ...poolOptions, connectionString }))

  const runQuery = async (text, params, opts = {}) => {
    const o = { ...defaults, ...opts }
    const r = await getPool().query({ text, values: params, rowMode: o.arrayMode ? 'array' : undefined })
    return shape(r, o)
  }

  const sql = (strings, ...values) => {
    if (!Array.isArray(strings) || !Array.isArray(strings.raw)) {
      throw new EdgepgError('EINVAL', 'sql must be used as a tagged template: sql`select ...`; for a string, use sql.query(text, params)')
    }
    return new SqlTemplate((q, p) => runQuery(q, p), strings, values)
  }
  sql.query = (text, params = [], opts = {}) => runQuery(text, params, opts)
  sql.unsafe = (raw) => new UnsafeRawSql(String(raw))
  // All statements in one round trip, inside BEGIN ... COMMIT: they are pipelined on one connection.
  sql.transaction = async (queries, opts = {}) => {
    if (typeof queries === 'function') queries = queries(sql)
    if (!Array.isArray(queries) || !queries.every((q) => q instanceof SqlTemplate)) {
      throw new EdgepgError('EINVAL', 'sql.transaction() takes an array of sql`...` queries (or a function returning one)')
    }
    const o = { ...defaults, ...opts }
    const rowMode = o.arrayMode ? 'array' : undefined
    const client = await getPool().connect()
    try {
      // BEGIN, the statements and COMMIT leave in one flush. After a failure the server aborts the transaction:
      // later statements fail with 25P02 and COMMIT answers ROLLBACK, so the first failure is the one to report.
      const sent = [client.query(beginStatement(opts))]
      for (const q of queries) {
        const { query, params } = q.toParameterizedQuery()
        sent.push(client.query({ text: query, values: params, rowMode }))
      }
      sent.push(client.query('COMMIT'))
      const settled = await Promise.allSettled(sent)
      const failed = settled.find((s) => s.status === 'rejected')
      if (failed) throw failed.reason
      return settled.slice(1, -1).map((s) => shape(s.value, o))
    } finally {
      client.release()
    }
  }
  sql.end = () => (pool ? pool.end() : Promise.resolve())
  return sql
}
