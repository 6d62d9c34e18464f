// Cloudflare Workers (the `workerd` condition): importing a .wasm file gives a compiled WebAssembly.Module
// (wrangler's default rule; in miniflare, a CompiledWasm modules rule for **/*.wasm).
import wasm from '../dist/edgepg-core.wasm'
import { setWasmSource } from './core.js'

setWasmSource(async () => wasm)

export * from './api.js'
