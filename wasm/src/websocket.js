// Opening the WebSocket that carries the protocol: the constructor the caller passes (webSocketConstructor, e.g.
// `ws` on Node 20), else the runtime's own globalThis.WebSocket. On Cloudflare Workers, when `new WebSocket(url)`
// is missing or fails, the socket comes from `fetch(url, { headers: { Upgrade: 'websocket' } })` + accept().
// Messages never carry credentials: only the URL's scheme, host and path (describeUrl).
import { EdgepgError } from './errors.js'
import { describeUrl } from './connection-options.js'

const NO_WEBSOCKET =
  'this runtime has no global WebSocket: pass webSocketConstructor (for example `import { WebSocket } from "ws"` on Node 20)'

function isCloudflare() {
  return globalThis.navigator?.userAgent === 'Cloudflare-Workers'
}

function canUpgradeWithFetch() {
  return isCloudflare() && typeof globalThis.fetch === 'function'
}

// The constructor to use, or null when only Cloudflare's fetch upgrade is left. Throws ENOWEBSOCKET (at once,
// before any wasm is loaded) when there is no way at all to open a WebSocket.
export function webSocketConstructorFor(options) {
  const WS = options.webSocketConstructor ?? globalThis.WebSocket
  if (typeof WS === 'function') return WS
  if (options.webSocketConstructor !== undefined && options.webSocketConstructor !== null) {
    throw new EdgepgError('EINVAL', 'webSocketConstructor must be a WebSocket class (for example `import { WebSocket } from "ws"`)')
  }
  if (canUpgradeWithFetch()) return null
  throw new EdgepgError('ENOWEBSOCKET', NO_WEBSOCKET)
}

function refused(url, detail) {
  // A runtime's own message may quote the whole URL (query string included): show it as describeUrl does.
  const safe = detail ? String(detail).split(url).join(describeUrl(url)) : ''
  return new EdgepgError('ECONNREFUSED', `could not open a WebSocket to ${describeUrl(url)}` + (safe ? ` (${safe})` : ''))
}

// Cloudflare Workers: an outbound WebSocket through fetch. The accepted socket is already open.
async function openWithFetch(url) {
  let res
  try {
    res = await fetch(url.replace(/^ws(s?):/i, 'http$1:'), { headers: { Upgrade: 'websocket' } })
  } catch (e) {
    throw refused(url, e?.message || 'fetch failed')
  }
  const ws = res.webSocket
  if (!ws) throw refused(url, `the server answered HTTP ${res.status} instead of switching to WebSocket`)
  ws.accept()
  preferBinary(ws)
  return ws
}

// Binary messages as Node Buffers where the socket offers them (the `ws` package: no copy of each message into a
// fresh ArrayBuffer), else as ArrayBuffers. A spec WebSocket ignores (or turns into 'blob') a value it does not know,
// hence the check.
function preferBinary(ws) {
  try {
    ws.binaryType = 'nodebuffer'
    if (ws.binaryType !== 'nodebuffer') ws.binaryType = 'arraybuffer'
  } catch {
    try {
      ws.binaryType = 'arraybuffer'
    } catch {}
  }
}

// Resolves with an open WebSocket (binaryType 'nodebuffer' or 'arraybuffer', no handlers set), or rejects with an EdgepgError
// (ECONNREFUSED, ENOWEBSOCKET). The caller owns timeouts: `abandoned()` returning true means nobody waits any more
// and a socket that opens late is closed at once.
export function openWebSocket(url, options, abandoned = () => false) {
  let WS
  try {
    WS = webSocketConstructorFor(options)
  } catch (e) {
    return Promise.reject(e)
  }
  // Only the runtime's own WebSocket falls back to fetch on Cloudflare; a constructor the caller chose is kept.
  const mayFallBack = !options.webSocketConstructor && canUpgradeWithFetch()
  const late = (ws) => {
    if (abandoned()) {
      try {
        ws.close()
      } catch {}
    }
    return ws
  }
  if (!WS) return openWithFetch(url).then(late)
  return new Promise((resolve, reject) => {
    let ws
    try {
      ws = new WS(url)
    } catch (e) {
      if (mayFallBack) openWithFetch(url).then(late).then(resolve, reject)
      else reject(refused(url, e?.message ?? String(e)))
      return
    }
    preferBinary(ws)
    let settled = false
    const done = () => {
      settled = true
      ws.onopen = ws.onclose = null
      // Keep an error listener: the `ws` package throws errors that have none.
      ws.onerror = () => {}
    }
    ws.onopen = () => {
      if (settled) return
      done()
      resolve(late(ws))
    }
    const failed = (detail) => {
      if (settled) return
      done()
      try {
        ws.close()
      } catch {}
      if (mayFallBack && !abandoned()) openWithFetch(url).then(late).then(resolve, reject)
      else reject(refused(url, detail))
    }
    ws.onerror = (ev) => failed(ev?.error?.code || ev?.error?.message || ev?.message || 'connection failed')
    ws.onclose = (ev) => failed(ev?.code ? `closed with code ${ev.code} before opening` : 'closed before opening')
  })
}
