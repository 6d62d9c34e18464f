// Node.js (and Bun): read the .wasm next to this package and compile it.
import { setWasmSource } from './core.js'

setWasmSource(async () => {
  const { readFile } = await import('node:fs/promises')
  return WebAssembly.compile(await readFile(new URL('../dist/edgepg-core.wasm', import.meta.url)))
})

export * from './api.js'
