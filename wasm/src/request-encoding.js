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

// An extended-protocol query: [sql length][sql][name length][name][flags: 1 = parse][count] then per value
// [length or -1][format: 0 text, 1 binary][bytes], little-endian. statement: { name, parse } for a named statement
// (parse: false when this connection parsed it already); the unnamed statement is parsed every time.
export function sendExtended(core, conn, text, values, raw, statement) {
  if (!Array.isArray(values)) throw new EdgepgError('EINVAL', 'query values must be an array')
  const prepared = values.map((v, i) => prepareValue(v, [], i))
  const name = statement?.name ?? ''
  let max = 16 + (text.length + name.length) * 3
  for (const v of prepared) max += 5 + (v === null ? 0 : v instanceof Uint8Array ? v.length : v.length * 3)
  const addr = conn.requestBuffer(max)
  const heap = core.HEAPU8
  const view = new DataView(heap.buffer)
  let at = addr
  const putString = (s) => {
    const { written } = encoder.encodeInto(s, heap.subarray(at + 4, addr + max))
    view.setUint32(at, written, true)
    at += 4 + written
  }
  putString(text)
  putString(name)
  view.setUint32(at, name === '' || statement.parse ? 1 : 0, true)
  view.setUint32(at + 4, prepared.length, true)
  at += 8
  for (const v of prepared) {
    if (v === null) {
      view.setInt32(at, -1, true)
      heap[at + 4] = 0
      at += 5
    } else if (v instanceof Uint8Array) {
      view.setInt32(at, v.length, true)
      heap[at + 4] = 1
      heap.set(v, at + 5)
      at += 5 + v.length
    } else {
      heap[at + 4] = 0
      const { written } = encoder.encodeInto(v, heap.subarray(at + 5, addr + max))
      view.setInt32(at, written, true)
      at += 5 + written
    }
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
