// Next.js / Vercel Edge: the bundler hands over the compiled module (`?module`); no compilation at run time.
import wasm from '../dist/edgepg-core.wasm?module'
import { setWasmSource } from './core.js'

setWasmSource(async () => wasm)

export * from './api.js'
