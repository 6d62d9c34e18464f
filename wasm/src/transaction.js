// BEGIN with the options users expect from a serious client: isolation level, read only, deferrable.
import { EdgepgError } from './errors.js'

const LEVELS = {
  'read uncommitted': 'READ UNCOMMITTED',
  'read committed': 'READ COMMITTED',
  'repeatable read': 'REPEATABLE READ',
  serializable: 'SERIALIZABLE',
  ReadUncommitted: 'READ UNCOMMITTED',
  ReadCommitted: 'READ COMMITTED',
  RepeatableRead: 'REPEATABLE READ',
  Serializable: 'SERIALIZABLE',
}

export function beginStatement(opts = {}) {
  let sql = 'BEGIN'
  if (opts.isolationLevel !== undefined) {
    const level = LEVELS[opts.isolationLevel] ?? LEVELS[String(opts.isolationLevel).toLowerCase()]
    if (!level) {
      throw new EdgepgError('EINVAL', "invalid isolationLevel: use 'read committed', 'repeatable read' or 'serializable'")
    }
    sql += ' ISOLATION LEVEL ' + level
  }
  if (opts.readOnly !== undefined) sql += opts.readOnly ? ' READ ONLY' : ' READ WRITE'
  if (opts.deferrable !== undefined) sql += opts.deferrable ? ' DEFERRABLE' : ' NOT DEFERRABLE'
  return sql
}

// Runs fn(client) in a transaction: COMMIT when it returns, ROLLBACK (and rethrow) when it throws.
export async function runTransaction(client, fn, opts) {
  await client.query(beginStatement(opts))
  let result
  try {
    result = await fn(client)
  } catch (err) {
    try {
      await client.query('ROLLBACK')
    } catch {
      // The connection broke: the server rolls the transaction back by itself; the first error is the answer.
    }
    throw err
  }
  const commit = await client.query('COMMIT')
  // fn caught a statement's error and returned: PostgreSQL answers COMMIT with ROLLBACK. Not a success.
  if (commit?.command === 'ROLLBACK') {
    throw new EdgepgError('EROLLBACK', 'the transaction had failed (an error inside it was caught), and COMMIT rolled it back')
  }
  return result
}
