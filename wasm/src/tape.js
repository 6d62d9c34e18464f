// Reads the event tape the core writes after each call (bindings/tape_format.hpp).
//
// The event and cell tags' values are the core's: setTapeTags() reads them from the wasm module once, when it loads
// and before any tape is read. The names below are the ones the readers use (placeholders until then); a module
// whose names differ fails the load. The hot loops copy the tags they compare into local constants.
export const EV = {
  READY: -1,
  ROW_DESCRIPTION: -1,
  DATA_ROW: -1,
  COMMAND_COMPLETE: -1,
  EMPTY_QUERY: -1,
  ERROR: -1,
  NOTICE: -1,
  PARAMETER_STATUS: -1,
  BACKEND_KEY_DATA: -1,
  AUTHENTICATED: -1,
  PASSWORD_NEEDED: -1,
  NOTIFICATION: -1,
}

export const CELL = {
  NULL: -1, ASCII: -1, UTF8: -1, BOOL: -1, NUMBER: -1, JSON: -1, INT8: -1, BYTEA: -1, DATE_UTC: -1, DATE_LOCAL: -1,
  INFINITY: -1, INTERVAL: -1, POINT: -1, CIRCLE: -1, ARRAY: -1,
}

// `text`: the module's tapeTags(), lines "event READY 1" / "cell NULL 0".
export function setTapeTags(text) {
  const tables = { event: EV, cell: CELL }
  const seen = new Set()
  for (const line of String(text).split('\n')) {
    if (line === '') continue
    const [kind, name, value] = line.split(' ')
    const table = tables[kind]
    if (!table || !Object.hasOwn(table, name) || !/^\d+$/.test(value)) {
      throw new Error(`edgepg: the wasm module has a tape tag this package does not read (${line})`)
    }
    table[name] = Number(value)
    seen.add(kind + ' ' + name)
  }
  for (const [kind, table] of Object.entries(tables)) {
    for (const name of Object.keys(table)) {
      if (!seen.has(kind + ' ' + name)) throw new Error(`edgepg: the wasm module has no tape tag ${kind} ${name}`)
    }
  }
}

const utf8 = new TextDecoder('utf-8')

export function decodeUtf8(heap, addr, len) {
  return len === 0 ? '' : utf8.decode(heap.subarray(addr, addr + len))
}

// ASCII text: short strings are built in one call (no intermediate strings for the collector), longer ones through
// TextDecoder.
export function decodeAscii(heap, addr, len) {
  const h = heap
  const a = addr
  switch (len) {
    case 0: return ''
    case 1: return String.fromCharCode(h[a])
    case 2: return String.fromCharCode(h[a], h[a + 1])
    case 3: return String.fromCharCode(h[a], h[a + 1], h[a + 2])
    case 4: return String.fromCharCode(h[a], h[a + 1], h[a + 2], h[a + 3])
    case 5: return String.fromCharCode(h[a], h[a + 1], h[a + 2], h[a + 3], h[a + 4])
    case 6: return String.fromCharCode(h[a], h[a + 1], h[a + 2], h[a + 3], h[a + 4], h[a + 5])
    case 7: return String.fromCharCode(h[a], h[a + 1], h[a + 2], h[a + 3], h[a + 4], h[a + 5], h[a + 6])
    case 8: return String.fromCharCode(h[a], h[a + 1], h[a + 2], h[a + 3], h[a + 4], h[a + 5], h[a + 6], h[a + 7])
    case 9: return String.fromCharCode(h[a], h[a + 1], h[a + 2], h[a + 3], h[a + 4], h[a + 5], h[a + 6], h[a + 7], h[a + 8])
    case 10: return String.fromCharCode(h[a], h[a + 1], h[a + 2], h[a + 3], h[a + 4], h[a + 5], h[a + 6], h[a + 7], h[a + 8], h[a + 9])
    default: return utf8.decode(h.subarray(a, a + len))
  }
}

// Field order of ErrorFields in the tape.
export const ERROR_FIELDS = [
  'severity', 'severityNonlocal', 'code', 'message', 'detail', 'hint', 'position', 'internalPosition',
  'internalQuery', 'where', 'schema', 'table', 'column', 'dataType', 'constraint', 'file', 'line', 'routine',
]

export function readErrorFields(words, i, heap) {
  const f = {}
  for (const name of ERROR_FIELDS) {
    f[name] = decodeUtf8(heap, words[i], words[i + 1])
    i += 2
  }
  return [f, i]
}
