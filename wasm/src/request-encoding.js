// Writes a call's input into the core's request buffer (wasm memory) and makes the call: query text, parameters,
// passwords, raw type OIDs. The layouts are those bindings/wasm_connection.hpp documents.
import { EdgepgError } from './errors.js'
import { prepareValue } from './params.js'

const encoder = new TextEncoder()

// A simple-protocol query (several statements allowed). raw: hand every column over as text.
export function sendSimple(core, conn, text, raw) {
  const max = text.length * 3
  const addr = conn.requestBuffer(max)
  const { written } = encoder.encodeInto(text, core.HEAPU8.subarray(addr, addr + max))
  return conn.query(written, raw)
}

// An extended-protocol query: [sql length][sql][count] then per value [length or -1][bytes], little-endian.
export function sendExtended(core, conn, text, values, raw) {
  if (!Array.isArray(values)) throw new EdgepgError('EINVAL', 'query values must be an array')
  const prepared = values.map((v, i) => prepareValue(v, [], i))
  let max = 8 + text.length * 3
  for (const v of prepared) max += 4 + (v === null ? 0 : v.length * 3)
  const addr = conn.requestBuffer(max)
  const heap = core.HEAPU8
  const view = new DataView(heap.buffer)
  let at = addr + 4
  at += encoder.encodeInto(text, heap.subarray(at, addr + max)).written
  view.setUint32(addr, at - addr - 4, true)
  view.setUint32(at, prepared.length, true)
  at += 4
  for (const v of prepared) {
    if (v === null) {
      view.setInt32(at, -1, true)
      at += 4
      continue
    }
    const { written } = encoder.encodeInto(v, heap.subarray(at + 4, addr + max))
    view.setInt32(at, written, true)
    at += 4 + written
  }
  return conn.queryParams(at - addr, raw)
}

// The types whose values arrive as raw text (the JS side parses them).
export function sendRawTypes(core, conn, oids) {
  const addr = conn.requestBuffer(oids.length * 4 + 4)
  new Uint32Array(core.HEAPU8.buffer, addr, oids.length).set(oids)
  conn.setRawTypes(oids.length)
}

// The password as UTF-8 in the request buffer; the JS copy is zeroed at once, the core wipes its own after use.
export function providePassword(core, conn, password) {
  const bytes = encoder.encode(password)
  const addr = conn.requestBuffer(bytes.length)
  core.HEAPU8.set(bytes, addr)
  bytes.fill(0)
  return conn.providePassword(bytes.length)
}
