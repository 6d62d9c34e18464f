// Next.js / Vercel Edge (the `edge-light` condition): the bundler hands over the compiled module (`?module`);
// nothing is compiled at run time, where edge runtimes forbid it.
import wasm from '../dist/edgepg-core.wasm?module'
import { setWasmSource } from './core.js'

setWasmSource(async () => wasm)

export * from './api.js'
