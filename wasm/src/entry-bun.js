// Bun: read the .wasm next to this package with Bun.file and compile it.
import { setWasmSource } from './core.js'

setWasmSource(async () => WebAssembly.compile(await Bun.file(new URL('../dist/edgepg-core.wasm', import.meta.url)).arrayBuffer()))

export * from './api.js'
