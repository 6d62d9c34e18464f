// The public API of the `edgepg` package (see ARCHITECTURE.md, "JS API contract").
export { EdgepgError } from './errors.js'
export { Client } from './client.js'
export { Pool } from './pool.js'
export { neon } from './sql.js'
export { PostgresInterval } from './interval.js'
