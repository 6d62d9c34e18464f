// The public API of the `edgepg` package (see ARCHITECTURE.md, "JS API contract").
export { EdgepgError } from './errors.js'
export { Client } from './client.js'
