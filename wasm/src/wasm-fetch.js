// The web way to get the compiled module: fetch the .wasm that sits beside the package (a URL relative to this
// file, which bundlers understand as an asset) and compile it, streaming when the server sends application/wasm.
// Used by the browser, worker, deno and default entries; edge runtimes that forbid compilation use their own.
import { EdgepgError } from './errors.js'

export const wasmUrl = () => new URL('../dist/edgepg-core.wasm', import.meta.url)

export async function fetchWasm(url = wasmUrl()) {
  let res
  try {
    res = await fetch(url)
  } catch (e) {
    throw new EdgepgError('EINVAL', `edgepg: could not fetch its WebAssembly module from ${url.href}: ${e?.message ?? e}`)
  }
  if (!res.ok) throw new EdgepgError('EINVAL', `edgepg: fetching its WebAssembly module from ${url.href} answered HTTP ${res.status}`)
  const type = res.headers.get('content-type') || ''
  if (typeof WebAssembly.compileStreaming === 'function' && type.startsWith('application/wasm')) {
    return WebAssembly.compileStreaming(res)
  }
  return WebAssembly.compile(await res.arrayBuffer())
}
