// Opening the WebSocket that carries the protocol: the runtime's own, or the one the caller passes.
import { EdgepgError } from './errors.js'

export function webSocketConstructorFor(options) {
  const WS = options.webSocketConstructor ?? globalThis.WebSocket
  if (typeof WS !== 'function') {
    throw new EdgepgError(
      'ENOWEBSOCKET',
      'this runtime has no global WebSocket: pass webSocketConstructor (for example `import { WebSocket } from "ws"` on Node 20)',
    )
  }
  return WS
}
