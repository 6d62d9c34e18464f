// Browsers: fetch the .wasm beside this module (bundlers copy it as an asset) and compile it while streaming.
import { setWasmSource } from './core.js'
import { fetchWasm } from './wasm-fetch.js'

setWasmSource(() => fetchWasm())

export * from './api.js'
