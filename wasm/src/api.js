// The public API of the `edgepg` package (see ARCHITECTURE.md, "JS API contract").
export { EdgepgError } from './errors.js'
// node-postgres's name for the class of server errors: edgepg's errors are all EdgepgError.
export { EdgepgError as DatabaseError } from './errors.js'
export { Client } from './client.js'
export { Pool } from './pool.js'
export { neon } from './sql.js'
export { PostgresInterval } from './interval.js'
export { verifyJwt, JwtVerifier } from './jwt.js'
export { identityGate } from './identity.js'
export { TokenCache } from './token-cache.js'
export { rdsAuthToken, rdsIamPassword } from './rds.js'
