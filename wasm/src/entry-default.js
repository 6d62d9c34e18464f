// Browsers and other standard runtimes: fetch the .wasm beside this module and compile it while streaming.
import { setWasmSource } from './core.js'

setWasmSource(async () => {
  const url = new URL('../dist/edgepg-core.wasm', import.meta.url)
  if (typeof WebAssembly.compileStreaming === 'function' && url.protocol !== 'file:') {
    return WebAssembly.compileStreaming(fetch(url))
  }
  const res = await fetch(url)
  return WebAssembly.compile(await res.arrayBuffer())
})

export * from './api.js'
