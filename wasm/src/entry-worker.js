// Web workers and service workers (the `worker` condition): like a browser page, fetch the .wasm and compile it.
import { setWasmSource } from './core.js'
import { fetchWasm } from './wasm-fetch.js'

setWasmSource(() => fetchWasm())

export * from './api.js'
