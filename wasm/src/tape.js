// Reads the event tape the core writes after each call (bindings/event_tape.hpp: keep both in step).
export const EV = {
  READY: 1,
  ROW_DESCRIPTION: 2,
  DATA_ROW: 3,
  COMMAND_COMPLETE: 4,
  EMPTY_QUERY: 5,
  ERROR: 6,
  NOTICE: 7,
  PARAMETER_STATUS: 8,
  BACKEND_KEY_DATA: 9,
  AUTHENTICATED: 10,
  PASSWORD_NEEDED: 11,
  NOTIFICATION: 12,
}

export const CELL = {
  NULL: 0, ASCII: 1, UTF8: 2, BOOL: 3, NUMBER: 4, JSON: 5, INT8: 6, BYTEA: 7, DATE_UTC: 8, DATE_LOCAL: 9,
  INFINITY: 10, INTERVAL: 11, POINT: 12, CIRCLE: 13, ARRAY: 14,
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
