// Loads the wasm core once per isolate. Each runtime entry (entry-*.js) says how to get the compiled
// WebAssembly.Module; the glue never compiles or fetches anything itself (edge runtimes forbid it).
import createEdgepgCore from '../dist/edgepg-core.mjs'
import { EdgepgError, setCoreErrorNames } from './errors.js'
import { setTapeTags } from './tape.js'

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
      const core = await createEdgepgCore({
        instantiateWasm(imports, done) {
          const instance = new WebAssembly.Instance(module, imports)
          done(instance, module)
          return instance.exports
        },
        print() {},
        printErr() {},
      })
      // Once per isolate: what the module defines and JS must not copy by hand (error code names, tape tags).
      setCoreErrorNames(core.errorNames())
      setTapeTags(core.tapeTags())
      return core
    })()
    corePromise.catch(() => {
      corePromise = null
    })
  }
  return corePromise
}
