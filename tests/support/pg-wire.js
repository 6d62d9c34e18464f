// PostgreSQL wire bytes by hand, for tests that must send what no driver sends (a pipelined login, a broken
// message) and read every message the server or the gateway answers.
import { connect } from 'node:net'

// A StartupMessage (protocol 3.0) with these parameters.
export function startupPacket(params) {
  const pairs = Object.entries(params).flatMap(([k, v]) => [Buffer.from(k + '\0'), Buffer.from(v + '\0')])
  const body = Buffer.concat([...pairs, Buffer.from([0])])
  const head = Buffer.alloc(8)
  head.writeUInt32BE(8 + body.length, 0)
  head.writeUInt32BE(196608, 4)  // protocol 3.0
  return Buffer.concat([head, body])
}

export function pgMessage(type, body) {
  const head = Buffer.alloc(5)
  head.write(type, 0, 'latin1')
  head.writeUInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

export const errorFields = (body) => Object.fromEntries(body.toString('utf8').split('\0').filter(Boolean).map((f) => [f[0], f.slice(1)]))

// A socket whose PostgreSQL messages are read one at a time (from TCP bytes, or from WebSocket binary payloads).
export class Wire {
  constructor(socket) {
    this.socket = socket
    this.buf = Buffer.alloc(0)
    this.received = 0
    this.discard = false  // count bytes only (a big result)
    this.closedAt = null
    this.waiters = []
    socket.on('data', (d) => this.onBytes(d))
    socket.on('close', () => {
      this.closedAt = Date.now()
      this.wake()
    })
    socket.on('error', () => {})
  }

  onBytes(d) {
    this.received += d.length
    if (!this.discard) this.buf = Buffer.concat([this.buf, d])
    this.wake()
  }

  wake() {
    for (const w of this.waiters.splice(0)) w()
  }

  async until(check, timeoutMs) {
    const deadline = Date.now() + timeoutMs
    for (;;) {
      const v = check()
      if (v !== undefined) return v
      if (Date.now() > deadline) throw new Error(`nothing in ${timeoutMs} ms`)
      await new Promise((r) => {
        this.waiters.push(r)
        setTimeout(r, 50)
      })
    }
  }

  // The next message, or null once the connection is closed.
  message(timeoutMs = 5000) {
    return this.until(() => {
      if (this.buf.length >= 5) {
        const len = this.buf.readUInt32BE(1)
        if (this.buf.length >= 1 + len) {
          const m = { type: String.fromCharCode(this.buf[0]), body: this.buf.subarray(5, 1 + len) }
          this.buf = this.buf.subarray(1 + len)
          return m
        }
      }
      return this.closedAt !== null ? null : undefined
    }, timeoutMs)
  }

  // Resolves with the time the connection closed.
  closed(timeoutMs = 10000) {
    return this.until(() => this.closedAt ?? undefined, timeoutMs)
  }

  // Messages until ReadyForQuery or the end; an ErrorResponse's fields are returned as `error`.
  async untilReady(timeoutMs = 5000) {
    const seen = []
    for (;;) {
      const m = await this.message(timeoutMs)
      if (m === null) return { seen, closed: true }
      seen.push(m.type)
      if (m.type === 'E') return { seen, error: errorFields(m.body) }
      if (m.type === 'Z') return { seen }
    }
  }
}

export function tcp(port) {
  return new Promise((resolve, reject) => {
    const s = connect(port, '127.0.0.1')
    s.setNoDelay(true)
    s.once('connect', () => resolve(s))
    s.once('error', reject)
  })
}
