// Any other runtime: fetch the .wasm beside this module; when the module is a local file and fetch cannot read
// file: URLs (Node without the `node` condition), read it through the runtime's own fs, found without a static
// import so that bundlers for the web never see one.
import { setWasmSource } from './core.js'
import { fetchWasm, wasmUrl } from './wasm-fetch.js'

setWasmSource(async () => {
  const url = wasmUrl()
  if (url.protocol === 'file:') {
    const fs = globalThis.process?.getBuiltinModule?.('node:fs')
    if (fs) return WebAssembly.compile(fs.readFileSync(url))
    if (globalThis.Deno) return WebAssembly.compile(await globalThis.Deno.readFile(url))
  }
  return fetchWasm(url)
})

export * from './api.js'
