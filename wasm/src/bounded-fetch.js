// A fetch bounded in time and size, for the SDK's own calls to services (the keyless token exchanges, remote JWK
// Sets): one timeout covers the request and the reading of the answer, the body is read up to maxBytes (the stream
// cancelled beyond it), redirects are never followed. A failure is a FetchFailure whose reason the caller turns into
// its own error (it knows the service's name; nothing here ever holds the request or the answer):
//   'timeout'     no answer, or not all of it, within the timeout
//   'network'     the request failed (refused, reset, DNS, TLS ...)
//   'too-large'   the answer (Content-Length or what arrived) is larger than maxBytes
//   'unreadable'  the body failed while it was read
export class FetchFailure extends Error {
  constructor(reason) {
    super(`fetch failed: ${reason}`)
    this.reason = reason
  }
}

// init: fetch's own options (method, headers, body). check(res), when given, sees the response before its body is
// read and may throw to refuse it (what it throws passes through). Returns { status, headers, body } (text).
export async function boundedFetch(fetch, url, init, { timeout, maxBytes, check }) {
  const ctrl = new AbortController()
  const timer = setTimeout(() => ctrl.abort(), timeout)
  try {
    let res
    try {
      res = await fetch(url, { ...init, signal: ctrl.signal, redirect: 'manual' })
    } catch {
      throw new FetchFailure(ctrl.signal.aborted ? 'timeout' : 'network')
    }
    check?.(res)
    let body
    try {
      body = await readBounded(res, maxBytes)
    } catch {
      throw new FetchFailure(ctrl.signal.aborted ? 'timeout' : 'unreadable')
    }
    if (body === null) throw new FetchFailure('too-large')
    return { status: res.status, headers: res.headers, body }
  } finally {
    clearTimeout(timer)
  }
}

// The body as text, or null when it is larger than maxBytes (reading stops there).
async function readBounded(res, maxBytes) {
  if (Number(res.headers?.get?.('content-length')) > maxBytes) {
    res.body?.cancel?.().catch(() => {})
    return null
  }
  if (!res.body || typeof res.body.getReader !== 'function') {
    const text = await res.text()
    return new TextEncoder().encode(text).byteLength > maxBytes ? null : text
  }
  const reader = res.body.getReader()
  const chunks = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > maxBytes) {
      reader.cancel().catch(() => {})
      return null
    }
    chunks.push(value)
  }
  const all = new Uint8Array(size)
  let at = 0
  for (const c of chunks) {
    all.set(c, at)
    at += c.byteLength
  }
  return new TextDecoder().decode(all)
}
