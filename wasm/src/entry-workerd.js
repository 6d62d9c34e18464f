// Cloudflare Workers (workerd): a .wasm import is a compiled WebAssembly.Module.
import wasm from '../dist/edgepg-core.wasm'
import { setWasmSource } from './core.js'

setWasmSource(async () => wasm)

export * from './api.js'
