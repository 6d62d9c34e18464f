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

// A server ErrorResponse, with node-postgres's field names.
export function serverError(f) {
  const e = new EdgepgError(f.code || 'EPROTO', f.message || 'server error', {
    severity: f.severity || undefined,
    detail: f.detail || undefined,
    hint: f.hint || undefined,
    position: f.position || undefined,
    internalPosition: f.internalPosition || undefined,
    internalQuery: f.internalQuery || undefined,
    where: f.where || undefined,
    schema: f.schema || undefined,
    table: f.table || undefined,
    column: f.column || undefined,
    dataType: f.dataType || undefined,
    constraint: f.constraint || undefined,
    file: f.file || undefined,
    line: f.line || undefined,
    routine: f.routine || undefined,
  })
  for (const k of Object.keys(e)) if (e[k] === undefined) delete e[k]
  return e
}
