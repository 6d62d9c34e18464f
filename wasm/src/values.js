// Turns the cells of a DataRow on the tape into JS values, with node-postgres's default shapes
// (bindings/tape_format.hpp lists the cells; their tags come from the core, see tape.js).
import { CELL, EV, decodeAscii, decodeUtf8 } from './tape.js'
import { makeInterval } from './interval.js'

// The tape being read and the reading position (module state: rows are the hot path, so no closures).
export const tape = { words: null, heap: null, numbers: null, numBase: 0, int8: 'string', i: 0 }

function localDate(n, at) {
  const year = n[at]
  const d = new Date(year, n[at + 1] - 1, n[at + 2], n[at + 3], n[at + 4], n[at + 5], n[at + 6])
  if (year >= 0 && year < 100) d.setFullYear(year) // years 0-99 would otherwise mean 1900-1999
  return d
}

function int8Value(text, mode) {
  if (mode === 'string') return text
  return mode === 'bigint' ? BigInt(text) : Number(text)
}

// Reads the cell at tape.i and moves past it (and past an array's elements).
export function readCell() {
  const w = tape.words
  const i = tape.i
  const a = w[i + 1]
  tape.i = i + 3
  switch (w[i]) {
    case CELL.NULL:
      return null
    case CELL.ASCII:
      return decodeAscii(tape.heap, a, w[i + 2])
    case CELL.UTF8:
      return decodeUtf8(tape.heap, a, w[i + 2])
    case CELL.NUMBER:
      return tape.numbers[tape.numBase + a]
    case CELL.BOOL:
      return a === 1
    case CELL.INT8:
      return int8Value(decodeAscii(tape.heap, a, w[i + 2]), tape.int8)
    case CELL.JSON: {
      const text = decodeUtf8(tape.heap, a, w[i + 2])
      try {
        return JSON.parse(text)
      } catch {
        return text // a value in an unexpected shape stays its text
      }
    }
    case CELL.BYTEA:
      return tape.heap.slice(a, a + w[i + 2])
    case CELL.DATE_UTC:
      return new Date(tape.numbers[tape.numBase + a])
    case CELL.DATE_LOCAL:
      return localDate(tape.numbers, tape.numBase + a)
    case CELL.INFINITY:
      return a === 1 ? Infinity : -Infinity
    case CELL.INTERVAL:
      return makeInterval(tape.numbers, tape.numBase + a)
    case CELL.POINT: {
      const n = tape.numbers, at = tape.numBase + a
      return { x: n[at], y: n[at + 1] }
    }
    case CELL.CIRCLE: {
      const n = tape.numbers, at = tape.numBase + a
      return { x: n[at], y: n[at + 1], radius: n[at + 2] }
    }
    case CELL.ARRAY: {
      const out = new Array(a)
      for (let k = 0; k < a; k++) out[k] = readCell()
      return out
    }
  }
  throw new Error('edgepg internal error: unknown cell tag ' + w[i])
}

// Reads the DataRow events from tape.i on (tape.i is just past a DATA_ROW tag) into `rows`, as long as they follow
// one another: the hot loop of a big result, kept in one small function so the JIT can keep it tight. The commonest
// cells (ASCII text, numbers, NULL) are read inline; the others through readCell. Leaves tape.i after the last row.
export function readRows(rows, names, arrayMode) {
  const w = tape.words
  const end = w.length
  const heap = tape.heap
  const numbers = tape.numbers
  const numBase = tape.numBase
  // The tags the loop compares, read once per call (they are the core's, set when it loaded).
  const ASCII = CELL.ASCII
  const NUMBER = CELL.NUMBER
  const NULL = CELL.NULL
  const DATA_ROW = EV.DATA_ROW
  let i = tape.i
  for (;;) {
    const n = w[i++]
    const row = arrayMode ? new Array(n) : {}
    for (let c = 0; c < n; c++) {
      const tag = w[i]
      let v
      if (tag === ASCII) v = decodeAscii(heap, w[i + 1], w[i + 2])
      else if (tag === NUMBER) v = numbers[numBase + w[i + 1]]
      else if (tag === NULL) v = null
      else {
        tape.i = i
        v = readCell()
        i = tape.i - 3 // readCell moved past the cell (and an array's elements); the += 3 below completes it
      }
      i += 3
      if (arrayMode) row[c] = v
      else row[names[c]] = v
    }
    rows.push(row)
    if (i >= end || w[i] !== DATA_ROW) break
    i++
  }
  tape.i = i
}
