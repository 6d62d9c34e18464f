// A fake PostgreSQL server behind a WebSocket (no websockify, no real database) that runs SCRAM-SHA-256 up to the
// client's proof and then misbehaves: it cannot prove it knows the password (a wrong server signature, or an
// AuthenticationOk that skips the signature). It records what the client sent, the proof included, so a test can
// check that the proof never reaches an error or a log line.
import { WebSocketServer } from 'ws'

function msg(type, body) {
  const head = Buffer.alloc(5)
  head[0] = type.charCodeAt(0)
  head.writeUInt32BE(body.length + 4, 1)
  return Buffer.concat([head, body])
}

function int32(v) {
  const b = Buffer.alloc(4)
  b.writeInt32BE(v)
  return b
}

export class FakeScramServer {
  port = 0
  // what the clients sent: { clientFirst, clientFinal, proof }
  exchanges = []
  #wss = null

  // mode: 'bad-signature' (SASLFinal with a wrong v=), 'skip-final' (AuthenticationOk right after the proof),
  //       'server-error' (SASLFinal "e=invalid-proof").
  constructor(mode = 'bad-signature', salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), iterations = 4096) {
    this.mode = mode
    this.salt = salt
    this.iterations = iterations
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
    const ex = {}
    this.exchanges.push(ex)
    ws.on('message', (data) => {
      buf = Buffer.concat([buf, Buffer.from(data)])
      for (;;) {
        if (!started) {
          if (buf.length < 4 || buf.length < buf.readUInt32BE(0)) return
          buf = buf.subarray(buf.readUInt32BE(0))
          started = true
          ws.send(msg('R', Buffer.concat([int32(10), Buffer.from('SCRAM-SHA-256\0\0')])))
          continue
        }
        if (buf.length < 5 || buf.length < 1 + buf.readUInt32BE(1)) return
        const type = String.fromCharCode(buf[0])
        const body = buf.subarray(5, 1 + buf.readUInt32BE(1))
        buf = buf.subarray(1 + buf.readUInt32BE(1))
        if (type !== 'p') continue
        if (ex.clientFirst === undefined) {
          // SASLInitialResponse: mechanism\0, int32 length, client-first
          const nul = body.indexOf(0)
          ex.clientFirst = body.subarray(nul + 5).toString()
          const nonce = /r=([^,]*)/.exec(ex.clientFirst)[1]
          ex.serverFirst = `r=${nonce}fakeSERVERnonce,s=${this.salt.toString('base64')},i=${this.iterations}`
          ws.send(msg('R', Buffer.concat([int32(11), Buffer.from(ex.serverFirst)])))
        } else {
          ex.clientFinal = body.toString()
          ex.proof = /p=([^,]*)/.exec(ex.clientFinal)?.[1]
          if (this.mode === 'skip-final') {
            ws.send(msg('R', int32(0)))
          } else if (this.mode === 'server-error') {
            ws.send(msg('R', Buffer.concat([int32(12), Buffer.from('e=invalid-proof')])))
          } else {
            ws.send(msg('R', Buffer.concat([int32(12), Buffer.from('v=' + Buffer.alloc(32, 7).toString('base64'))])))
          }
        }
      }
    })
  }

  async stop() {
    for (const c of this.#wss.clients) c.terminate()
    await new Promise((resolve) => this.#wss.close(() => resolve()))
  }
}
