// Reads the events the core wrote on its tape after a call (bindings/tape_format.hpp) and hands them to the Client
// (the sink) as JS values. It owns the result being filled (rows arrive between RowDescription and
// CommandComplete); everything else — the queue of queries, the connection state — is the Client's.
//
// The sink: head() -> the oldest pending query or undefined ({ rowMode, types }); result(r); emptyQuery();
// ready(status); error(err, fatal) (return true to stop reading); notice(err); parameter(name, value);
// backendKey(pid, secret); authenticated(); passwordNeeded(); notification(n); broken(err).
import { EdgepgError, serverError, serverNotice } from './errors.js'
import { EV, decodeUtf8, readErrorFields } from './tape.js'
import { readCell, readRows, tape } from './values.js'

export class TapeReader {
  #sink
  #typeParsers
  #current = null // { rows, fields, names, arrayMode, parsers }

  // typeParsers: the Client's map of type OID to parser (types option, setTypeParser), read at each RowDescription.
  constructor(sink, typeParsers) {
    this.#sink = sink
    this.#typeParsers = typeParsers
  }

  // Reads the tape the header at `base` (a word index into HEAPU32) describes. No wasm calls may happen while
  // reading (they may grow memory and detach the views): the sink defers those.
  read(core, base, int8) {
    const sink = this.#sink
    const h = core.HEAPU32
    const words = h.subarray(h[base + 2] >>> 2, (h[base + 2] >>> 2) + h[base + 3])
    const numbers = core.HEAPF64
    const numBase = h[base + 4] >>> 3
    const heap = core.HEAPU8
    tape.words = words
    tape.heap = heap
    tape.numbers = numbers
    tape.numBase = numBase
    tape.int8 = int8
    let i = 0
    while (i < words.length) {
      switch (words[i++]) {
        case EV.DATA_ROW: {
          const n = words[i++]
          const cur = this.#current
          if (!cur) {
            i += 3 * n // cannot happen with a well-behaved server; the core checked the row's shape
            break
          }
          tape.i = i
          if (cur.parsers) {
            const row = cur.arrayMode ? new Array(n) : {}
            if (cur.arrayMode) for (let c = 0; c < n; c++) row[c] = readCell()
            else for (let c = 0; c < n; c++) row[cur.names[c]] = readCell()
            applyParsers(row, cur)
            cur.rows.push(row)
          } else {
            tape.i = i - 1 // readRows reads the column count itself, then every DataRow that follows
            readRows(cur.rows, cur.names, cur.arrayMode)
          }
          i = tape.i
          break
        }
        case EV.ROW_DESCRIPTION: {
          const n = words[i++]
          const fields = new Array(n)
          const names = new Array(n)
          for (let f = 0; f < n; f++, i += 9) {
            const name = decodeUtf8(heap, words[i], words[i + 1])
            names[f] = name
            fields[f] = {
              name,
              tableID: words[i + 4],
              columnID: words[i + 5] << 16 >> 16,
              dataTypeID: words[i + 2],
              dataTypeSize: words[i + 6] << 16 >> 16,
              dataTypeModifier: words[i + 7] | 0,
              format: words[i + 8] === 1 ? 'binary' : 'text',
            }
          }
          const head = sink.head()
          this.#current = { rows: [], fields, names, arrayMode: head?.rowMode === 'array', parsers: this.#parsersFor(fields, head) }
          break
        }
        case EV.COMMAND_COMPLETE: {
          const tag = decodeUtf8(heap, words[i], words[i + 1])
          const rowsIdx = words[i + 2]
          i += 3
          const cur = this.#current
          this.#current = null
          const parts = tag.split(' ')
          sink.result({
            command: parts[0],
            rowCount: rowsIdx === 0xffffffff ? null : numbers[numBase + rowsIdx],
            oid: parts[0] === 'INSERT' && parts.length === 3 ? Number(parts[1]) : null,
            rows: cur ? cur.rows : [],
            fields: cur ? cur.fields : [],
          })
          break
        }
        case EV.EMPTY_QUERY:
          this.#current = null
          sink.emptyQuery()
          break
        case EV.READY:
          this.#current = null
          sink.ready(String.fromCharCode(words[i++]))
          break
        case EV.ERROR: {
          const fatal = words[i++] === 1
          const [fields, next] = readErrorFields(words, i, heap)
          i = next
          this.#current = null
          if (sink.error(serverError(fields), fatal)) return
          break
        }
        case EV.NOTICE: {
          const [fields, next] = readErrorFields(words, i, heap)
          i = next
          sink.notice(serverNotice(fields))
          break
        }
        case EV.PARAMETER_STATUS:
          sink.parameter(decodeUtf8(heap, words[i], words[i + 1]), decodeUtf8(heap, words[i + 2], words[i + 3]))
          i += 4
          break
        case EV.BACKEND_KEY_DATA:
          sink.backendKey(words[i] | 0, words[i + 1] | 0)
          i += 2
          break
        case EV.AUTHENTICATED:
          sink.authenticated()
          break
        case EV.PASSWORD_NEEDED:
          sink.passwordNeeded()
          break
        case EV.NOTIFICATION: {
          const processId = words[i] | 0
          const channel = decodeUtf8(heap, words[i + 1], words[i + 2])
          const payload = decodeUtf8(heap, words[i + 3], words[i + 4])
          i += 5
          sink.notification({ processId, channel, payload })
          break
        }
        default:
          sink.broken(new EdgepgError('EPROTO', 'edgepg internal error: unknown event on the tape'))
          return
      }
    }
  }

  // Custom type parsers (a per-query `types`, or the Client's) for a row description's fields, or null when none apply.
  #parsersFor(fields, head) {
    const perQuery = head?.types
    if (perQuery) return fields.map((f) => perQuery.getTypeParser(f.dataTypeID, 'text'))
    if (this.#typeParsers.size === 0) return null
    let any = false
    const parsers = fields.map((f) => {
      const p = this.#typeParsers.get(f.dataTypeID)
      if (p) any = true
      return p
    })
    return any ? parsers : null
  }
}

function applyParsers(row, cur) {
  const parsers = cur.parsers
  for (let c = 0; c < parsers.length; c++) {
    const p = parsers[c]
    if (!p) continue
    const key = cur.arrayMode ? c : cur.names[c]
    if (row[key] !== null) row[key] = p(row[key])
  }
}
