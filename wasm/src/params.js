// Query parameters the way node-postgres serialises them (prepareValue), never interpolated into SQL: text, except
// byte views (Buffer, Uint8Array, any ArrayBuffer view), which go as binary parameters with their bytes, as pg does.
import { EdgepgError } from './errors.js'

function pad(n, width) {
  return String(n).padStart(width, '0')
}

// A Date as local time with its offset, as node-postgres does by default.
function dateToString(d) {
  let offset = -d.getTimezoneOffset()
  let year = d.getFullYear()
  const bc = year < 1
  if (bc) year = Math.abs(year) + 1
  let s = pad(year, 4) + '-' + pad(d.getMonth() + 1, 2) + '-' + pad(d.getDate(), 2) + 'T' + pad(d.getHours(), 2) +
    ':' + pad(d.getMinutes(), 2) + ':' + pad(d.getSeconds(), 2) + '.' + pad(d.getMilliseconds(), 3)
  if (offset < 0) {
    s += '-'
    offset *= -1
  } else s += '+'
  s += pad(Math.floor(offset / 60), 2) + ':' + pad(offset % 60, 2)
  return bc ? s + ' BC' : s
}

function bytesOf(view) {
  return view instanceof Uint8Array ? view : new Uint8Array(view.buffer, view.byteOffset, view.byteLength)
}

function byteaToString(bytes) {
  let s = '\\x'
  for (let i = 0; i < bytes.length; i++) s += bytes[i].toString(16).padStart(2, '0')
  return s
}

function arrayToString(arr, seen, index) {
  let s = '{'
  for (let i = 0; i < arr.length; i++) {
    if (i > 0) s += ','
    const v = arr[i]
    if (v === null || v === undefined) s += 'NULL'
    else if (Array.isArray(v)) s += arrayToString(v, seen, index)
    else if (ArrayBuffer.isView(v)) s += '"\\\\x' + byteaToString(bytesOf(v)).slice(2) + '"'
    else s += '"' + String(prepareValue(v, seen, index)).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'
  }
  return s + '}'
}

function unserialisable(index, what) {
  return new EdgepgError('EINVAL', `query parameter $${index + 1} is ${what} and cannot be sent to PostgreSQL`)
}

// One parameter: null for SQL NULL, a Uint8Array for a binary parameter (its bytes), else its text.
export function prepareValue(v, seen = [], index = 0) {
  if (v === null || v === undefined) return null
  switch (typeof v) {
    case 'string':
      return v
    case 'number':
    case 'bigint':
    case 'boolean':
      return String(v)
    case 'function':
      throw unserialisable(index, 'a function')
    case 'symbol':
      throw unserialisable(index, 'a symbol')
  }
  if (ArrayBuffer.isView(v)) return bytesOf(v)
  if (v instanceof Date) return dateToString(v)
  if (seen.includes(v)) throw unserialisable(index, 'a circular structure')
  seen.push(v)
  try {
    if (Array.isArray(v)) return arrayToString(v, seen, index)
    if (typeof v.toPostgres === 'function') return prepareValue(v.toPostgres(prepareValue), seen, index)
    try {
      return JSON.stringify(v)
    } catch {
      throw unserialisable(index, 'an object JSON cannot represent (circular?)')
    }
  } finally {
    seen.pop()
  }
}
