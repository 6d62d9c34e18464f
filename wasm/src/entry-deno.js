// Deno: read the .wasm from disk when the package is local (npm: specifiers, node_modules), else fetch it.
import { setWasmSource } from './core.js'
import { fetchWasm, wasmUrl } from './wasm-fetch.js'

setWasmSource(async () => {
  const url = wasmUrl()
  if (url.protocol === 'file:') return WebAssembly.compile(await globalThis.Deno.readFile(url))
  return fetchWasm(url)
})

export * from './api.js'
