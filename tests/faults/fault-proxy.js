// Fault proxies for the fault-injection tests (tests/js/faults-*.test.js). Two kinds, both switched per test:
//
//   TcpFaultProxy  sits between websockify and PostgreSQL (TCP). It forwards client bytes as they come and server
//                  bytes whole message by whole message (it follows the v3 framing), so a fault lands exactly where
//                  a test wants it: drop the connection in the middle of a result, corrupt a message header, inject
//                  a 2 GiB length prefix, go silent, or accept and never answer at all.
//   WsFaultProxy   sits between the client and websockify (WebSocket, with the `ws` package). It relays binary
//                  messages both ways and can close the client's WebSocket with a chosen code (1001, 1011, ...),
//                  end it abruptly without a Close frame (the client sees 1006), or accept and never answer.
//
// A fault is armed with arm({ kind, trigger, ... }) and fires once, on the first client bytes (of any connection)
// that contain `trigger` (a string, e.g. a marker inside the SQL text), or on the next client bytes when there is
// no trigger; 'blackhole' instead applies to every new connection until disarm().
// Every fault that fired is recorded in `fired` (kind, at), so a test can assert that its fault really happened.
import { createServer, connect } from 'node:net'
import { WebSocketServer, WebSocket } from 'ws'

function listen(server, port = 0) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(server.address().port)
    })
  })
}

// Splits the server's byte stream into whole v3 messages (type byte + int32 length that counts itself).
class MessageSplitter {
  #buf = Buffer.alloc(0)
  push(chunk) {
    this.#buf = this.#buf.length ? Buffer.concat([this.#buf, chunk]) : chunk
    const out = []
    while (this.#buf.length >= 5) {
      const len = this.#buf.readUInt32BE(1)
      if (this.#buf.length < 1 + len) break
      out.push(this.#buf.subarray(0, 1 + len))
      this.#buf = this.#buf.subarray(1 + len)
    }
    return out
  }
}

export class TcpFaultProxy {
  port = 0
  fired = []
  connections = 0
  // Every byte clients sent, when recording is on (the secrets test reads the SCRAM proofs from it).
  recording = false
  clientBytes = []
  #server = null
  #targetPort
  #fault = null
  #sockets = new Set()

  constructor(targetPort) {
    this.#targetPort = targetPort
  }

  async start() {
    this.#server = createServer((client) => this.#onConnection(client))
    this.port = await listen(this.#server)
    return this
  }

  // kind: 'drop-mid-result' (after `afterRows` DataRows of the response, both sockets are destroyed),
  //       'corrupt' (the first message of the response gets an unknown type byte and a scrambled body),
  //       'length-2gib' (instead of the response: a DataRow header announcing 2 GiB, then silence),
  //       'silence' (the response is swallowed, the connection stays open),
  //       'drop-after-send' (the triggering bytes reach the server, the response is swallowed, and after
  //                          `delayMs` both sockets are destroyed: the statement ran, the client cannot know),
  //       'blackhole' (new connections are accepted and never answered, nothing goes upstream).
  arm(fault) {
    this.#fault = { afterRows: 1, delayMs: 200, ...fault }
  }

  disarm() {
    this.#fault = null
  }

  #onConnection(client) {
    this.connections++
    this.#sockets.add(client)
    client.on('close', () => this.#sockets.delete(client))
    client.on('error', () => {})
    if (this.#fault?.kind === 'blackhole') {
      this.fired.push({ kind: 'blackhole', at: Date.now() })
      return // accepted, never answered
    }
    const server = connect(this.#targetPort, '127.0.0.1')
    this.#sockets.add(server)
    server.on('close', () => this.#sockets.delete(server))
    server.on('error', () => client.destroy())
    client.on('close', () => server.destroy())
    server.on('close', () => client.destroy())

    let active = null // the fault firing on this connection, once its trigger passed
    let rows = 0
    const splitter = new MessageSplitter()
    const fire = (f) => {
      active = f
      this.#fault = null // one shot
      this.fired.push({ kind: f.kind, at: Date.now() })
    }

    client.on('data', (chunk) => {
      const armed = this.#fault
      if (!active && armed && armed.kind !== 'blackhole') {
        if (armed.trigger === undefined || chunk.includes(armed.trigger)) fire(armed)
      }
      if (this.recording) this.clientBytes.push(Buffer.from(chunk))
      server.write(chunk)
      if (active?.kind === 'drop-after-send' && !active.timer) {
        active.timer = setTimeout(() => {
          client.destroy()
          server.destroy()
        }, active.delayMs)
      }
    })

    server.on('data', (chunk) => {
      for (const m of splitter.push(chunk)) {
        if (!active) {
          client.write(m)
          continue
        }
        switch (active.kind) {
          case 'drop-mid-result':
            if (m[0] === 0x44 /* D */ && ++rows > active.afterRows) {
              client.destroy()
              server.destroy()
              return
            }
            client.write(m)
            break
          case 'corrupt': {
            const bad = Buffer.from(m)
            bad[0] = 0xfe // no such backend message; the length stays, so this is not the 2 GiB case
            for (let i = 5; i < bad.length; i++) bad[i] ^= 0x5a
            client.write(bad)
            active = { kind: 'passed' }
            break
          }
          case 'length-2gib': {
            const head = Buffer.alloc(5)
            head[0] = 0x44
            head.writeUInt32BE(0x80000000, 1) // 2 GiB announced
            client.write(Buffer.concat([head, Buffer.from('xxxx')]))
            active = { kind: 'swallow' }
            break
          }
          case 'silence':
          case 'swallow':
          case 'drop-after-send':
            break
          default:
            client.write(m)
        }
      }
    })
  }

  // Ends every connection passing through (as a proxy restart would), keeps listening.
  dropAll() {
    for (const s of this.#sockets) s.destroy()
  }

  async stop() {
    this.dropAll()
    await new Promise((resolve) => this.#server.close(() => resolve()))
  }
}

export class WsFaultProxy {
  port = 0
  fired = []
  connections = 0
  #wss = null
  #targetUrl
  #fault = null

  // targetBase: websockify's origin, e.g. 'ws://127.0.0.1:6543'; the client's path and query are kept.
  constructor(targetBase) {
    this.#targetUrl = targetBase
  }

  async start() {
    this.#wss = new WebSocketServer({ host: '127.0.0.1', port: 0 })
    await new Promise((resolve, reject) => {
      this.#wss.once('listening', resolve)
      this.#wss.once('error', reject)
    })
    this.port = this.#wss.address().port
    this.#wss.on('connection', (ws, req) => this.#onConnection(ws, req))
    return this
  }

  url(path = '/') {
    return `ws://127.0.0.1:${this.port}${path}`
  }

  // kind: 'close' (a Close frame with `code` to the client, e.g. 1001 or 1011; the upstream is closed too),
  //       'abrupt' (the client's TCP socket is destroyed without a Close frame: the client sees 1006),
  //       'text' (a text message to the client, where the tunnel carries binary messages only),
  //       'blackhole' (new WebSockets are accepted and never relayed),
  //       'deaf' (nothing more is read from the client: its Close frame is never answered; answers still flow).
  // trigger: fires when a client message contains it; `delayMs` after the trigger, so the server got the bytes.
  arm(fault) {
    this.#fault = { delayMs: 0, ...fault }
  }

  disarm() {
    this.#fault = null
  }

  #onConnection(ws, req) {
    this.connections++
    ws.on('error', () => {})
    if (this.#fault?.kind === 'blackhole') {
      this.fired.push({ kind: 'blackhole', at: Date.now() })
      return
    }
    const upstream = new WebSocket(this.#targetUrl + req.url)
    upstream.binaryType = 'nodebuffer'
    upstream.on('error', () => ws.terminate())
    const pending = []
    upstream.on('open', () => {
      for (const m of pending.splice(0)) upstream.send(m)
    })
    upstream.on('message', (data, isBinary) => {
      if (ws.readyState === WebSocket.OPEN) ws.send(data, { binary: isBinary })
    })
    upstream.on('close', () => {
      if (ws.readyState === WebSocket.OPEN) ws.close(1000)
    })
    ws.on('close', () => upstream.terminate())

    let fired = false
    ws.on('message', (data, isBinary) => {
      if (upstream.readyState === WebSocket.OPEN) upstream.send(data, { binary: isBinary })
      else pending.push(data)
      const fault = this.#fault
      if (fired || !fault || fault.kind === 'blackhole') return
      if (fault.trigger !== undefined && !Buffer.from(data).includes(fault.trigger)) return
      fired = true
      this.#fault = null
      this.fired.push({ kind: fault.kind, code: fault.code, at: Date.now() })
      setTimeout(() => {
        if (fault.kind === 'close') {
          ws.close(fault.code, fault.reason ?? '')
          // Don't wait for the client's Close reply forever: a client that ignores it still sees the code.
          setTimeout(() => ws.terminate(), 500)
        } else if (fault.kind === 'text') {
          ws.send('not postgres bytes') // a text frame where the tunnel carries binary only
          return // the upstream stays: the client must end this itself
        } else if (fault.kind === 'deaf') {
          ws._socket?.pause()
          return // the upstream stays
        } else if (fault.kind === 'abrupt') {
          ws._socket?.destroy()
          ws.terminate()
        }
        upstream.terminate()
      }, fault.delayMs)
    })
  }

  async stop() {
    for (const c of this.#wss.clients) c.terminate()
    await new Promise((resolve) => this.#wss.close(() => resolve()))
  }
}

// A loopback port with nothing listening on it (bound once to learn a free number, then released).
export async function deadPort() {
  const s = createServer()
  const port = await listen(s)
  await new Promise((resolve) => s.close(resolve))
  return port
}
