// EdgepgError: every failure edgepg reports. `code` is the SQLSTATE for server errors, or one of ours:
// ECONNREFUSED, ECONNCLOSED, EPROTO, EAUTH, ETIMEDOUT, EINVAL, ENOWEBSOCKET, ENOTCONNECTED.
// Messages never carry passwords, tokens or connection strings.

export class EdgepgError extends Error {
  constructor(code, message, fields) {
    super(message)
    this.name = 'EdgepgError'
    this.code = code
    if (fields) Object.assign(this, fields)
  }
}

// The core's status codes (edgepg::Errc) as error codes.
const ERRC_CODES = ['OK', 'EPROTO', 'EPROTO', 'EAUTH', 'EPROTO', 'EINVAL', 'EINVAL', 'ECONNCLOSED']

export function coreError(status, message) {
  return new EdgepgError(ERRC_CODES[status] || 'EPROTO', message || 'edgepg core error ' + status)
}

// The server's error or notice fields under node-postgres's names, without the absent ones.
function serverFields(f) {
  const out = {
    severity: f.severity, code: f.code, detail: f.detail, hint: f.hint, position: f.position,
    internalPosition: f.internalPosition, internalQuery: f.internalQuery, where: f.where, schema: f.schema,
    table: f.table, column: f.column, dataType: f.dataType, constraint: f.constraint, file: f.file, line: f.line,
    routine: f.routine,
  }
  for (const k of Object.keys(out)) if (!out[k]) delete out[k]
  return out
}

// A server ErrorResponse, with node-postgres's field names.
export function serverError(f) {
  const { code, ...fields } = serverFields(f)
  return new EdgepgError(code || 'EPROTO', f.message || 'server error', fields)
}

// A NoticeResponse as node-postgres gives it: a plain object named 'notice' with the server's fields (not an Error).
export function serverNotice(f) {
  return { name: 'notice', message: f.message || '', ...serverFields(f) }
}
