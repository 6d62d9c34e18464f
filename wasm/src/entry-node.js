// Node.js: read the .wasm next to this package and compile it (Node allows compilation).
import { readFile } from 'node:fs/promises'
import { setWasmSource } from './core.js'

setWasmSource(async () => WebAssembly.compile(await readFile(new URL('../dist/edgepg-core.wasm', import.meta.url))))

export * from './api.js'
