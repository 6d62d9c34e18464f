// EdgepgError: every failure edgepg reports. `code` is the SQLSTATE for server errors, or one of edgepg's codes:
// the core's (its one registry, lib/include/edgepg/error_code.hpp, whose names the wasm module hands over when it
// loads) or the few only this JS layer produces (JS_ERROR_CODES). README.md's "Error codes" table and the
// EdgepgErrorCode union of wasm/types/index.d.ts list both; tests/js/error-codes.test.js keeps the three equal.
// Messages never carry passwords, tokens or connection strings.

export class EdgepgError extends Error {
  constructor(code, message, fields) {
    super(message)
    this.name = 'EdgepgError'
    this.code = code
    if (fields) Object.assign(this, fields)
  }
}

// The codes the JS layer produces and the core does not.
export const JS_ERROR_CODES = Object.freeze([
  'EABORT', // an AbortSignal fired
  'ECACHE', // TokenCache: the key's last load failed and its error cooldown has not ended
  'ENOWEBSOCKET', // no WebSocket in this runtime and none passed
  'EGATETX', // identityGate: a handler statement ended the request's transaction
  'EGATECLOSED', // identityGate: the handler's db was used after the handler returned
  'EGATERESET', // identityGate: the connection could not be reset after the request
  'ERR_JWT_MISSING', // identityGate: no bearer token and no anonymousRole
  'ERR_JWT_REVOKED', // invalidateSubject revoked the token's subject
  'ERR_JWKS_FETCH', // the JWKS at jwksUrl could not be fetched
])

// The core's code names by number (index 0 is 'OK'), set once when the wasm module loads.
let coreNames = []

// Called by core.js with the module's errorNames(): one name per line, line i for code i. Refuses a module whose
// names are not code-shaped or clash with the JS layer's own, so a mismatched build fails at load, not later.
export function setCoreErrorNames(text) {
  const names = String(text).split('\n')
  if (names[0] !== 'OK') throw new Error('edgepg: the wasm module does not list its error codes (errorNames)')
  for (const name of names.slice(1)) {
    if (!/^(E[A-Z]+|ERR_[A-Z_]+|SQLSTATE)$/.test(name) || JS_ERROR_CODES.includes(name)) {
      throw new Error(`edgepg: the wasm module has an unexpected error code name ${JSON.stringify(name)}`)
    }
  }
  coreNames = names
}

// The core's code names, without 'OK' and without repeats, in the registry's order.
export function coreErrorNames() {
  return [...new Set(coreNames.slice(1))]
}

// The name of a core status code (what the wasm calls return); EPROTO for a number the core does not have.
export function errorName(status) {
  return (status > 0 && coreNames[status]) || 'EPROTO'
}

export function coreError(status, message) {
  return new EdgepgError(errorName(status), message || 'edgepg core error ' + status)
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
