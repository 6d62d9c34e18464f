// A hostile PostgreSQL server behind a WebSocket (no database): after the client's StartupMessage it runs a script
// of its own — ask for the password in cleartext or as MD5, log in without asking, flood the client with
// notifications or parameter statuses, or ask for an absurd SCRAM iteration count — and records every byte the
// client sent after its startup, so a test can prove what the client did NOT send.
import { WebSocketServer } from 'ws'

export function msg(type, body = Buffer.alloc(0)) {
  const head = Buffer.alloc(5)
  head[0] = type.charCodeAt(0)
  head.writeUInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

export const int32 = (v) => {
  const b = Buffer.alloc(4)
  b.writeInt32BE(v)
  return b
}
const cstr = (s) => Buffer.from(s + '\0')

export const wire = {
  authOk: () => msg('R', int32(0)),
  cleartext: () => msg('R', int32(3)),
  md5: () => msg('R', Buffer.concat([int32(5), Buffer.from([1, 2, 3, 4])])),
  sasl: () => msg('R', Buffer.concat([int32(10), cstr('SCRAM-SHA-256'), Buffer.from([0])])),
  saslContinue: (text) => msg('R', Buffer.concat([int32(11), Buffer.from(text)])),
  ready: (status = 'I') => msg('Z', Buffer.from(status)),
  parameterStatus: (k, v) => msg('S', Buffer.concat([cstr(k), cstr(v)])),
  notification: (pid, channel, payload) => msg('A', Buffer.concat([int32(pid), cstr(channel), cstr(payload)])),
  commandComplete: (tag) => msg('C', cstr(tag)),
}

export class FakePgServer {
  port = 0
  received = Buffer.alloc(0) // everything the clients sent after their StartupMessage
  startups = 0
  #wss = null

  // script(send, message, conn) runs once at startup (message = null) and once per later client message
  // ({ type, body }); send(buffer) sends bytes to the client; conn is an object of the connection's own, for state.
  constructor(script) {
    this.script = script
  }

  async start() {
    this.#wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise((resolve) => this.#wss.once('listening', resolve))
    this.port = this.#wss.address().port
    this.#wss.on('connection', (ws) => this.#serve(ws))
    return this
  }

  url() {
    return `ws://127.0.0.1:${this.port}/v1`
  }

  #serve(ws) {
    ws.on('error', () => {})
    let buf = Buffer.alloc(0)
    let started = false
    const conn = {}
    const send = (b) => ws.readyState === 1 && ws.send(b)
    ws.on('message', (data) => {
      buf = Buffer.concat([buf, Buffer.from(data)])
      for (;;) {
        if (!started) {
          if (buf.length < 4 || buf.length < buf.readUInt32BE(0)) return
          buf = buf.subarray(buf.readUInt32BE(0))
          started = true
          this.startups++
          this.script(send, null, conn)
          continue
        }
        if (buf.length < 5 || buf.length < 1 + buf.readUInt32BE(1)) return
        const whole = buf.subarray(0, 1 + buf.readUInt32BE(1))
        this.received = Buffer.concat([this.received, whole])
        buf = buf.subarray(whole.length)
        this.script(send, { type: String.fromCharCode(whole[0]), body: whole.subarray(5) }, conn)
      }
    })
  }

  stop() {
    for (const c of this.#wss?.clients ?? []) c.terminate()
    return new Promise((resolve) => (this.#wss ? this.#wss.close(() => resolve()) : resolve()))
  }
}
