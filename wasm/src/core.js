// Loads the wasm core once per isolate. Each runtime entry (entry-*.js) says how to get the compiled
// WebAssembly.Module; the glue never compiles or fetches anything itself (edge runtimes forbid it).
import createEdgepgCore from '../dist/edgepg-core.mjs'
import { EdgepgError } from './errors.js'

let wasmSource = null
let corePromise = null

export function setWasmSource(fn) {
  wasmSource = fn
}

export function loadCore() {
  if (!corePromise) {
    corePromise = (async () => {
      if (!wasmSource) throw new EdgepgError('EINVAL', 'edgepg: no wasm loader for this runtime; import "edgepg" through its package exports')
      const module = await wasmSource()
      return createEdgepgCore({
        instantiateWasm(imports, done) {
          const instance = new WebAssembly.Instance(module, imports)
          done(instance, module)
          return instance.exports
        },
        print() {},
        printErr() {},
      })
    })()
    corePromise.catch(() => {
      corePromise = null
    })
  }
  return corePromise
}
