// A fake PostgreSQL server behind a WebSocket (no websockify, no real database) that runs SCRAM-SHA-256 up to the
// client's proof and then misbehaves: it cannot prove it knows the password (a wrong server signature, or an
// AuthenticationOk that skips the signature). It records what the client sent, the proof included, so a test can
// check that the proof never reaches an error or a log line. Built on FakePgServer's framing.
import { FakePgServer, int32, msg, wire } from './fake-pg-server.js'

export class FakeScramServer extends FakePgServer {
  // what the clients sent: { clientFirst, clientFinal, proof }
  exchanges = []

  // mode: 'bad-signature' (SASLFinal with a wrong v=), 'skip-final' (AuthenticationOk right after the proof),
  //       'server-error' (SASLFinal "e=invalid-proof").
  constructor(mode = 'bad-signature', salt = Buffer.from('W22ZaJ0SNY7soEsUEjb6gQ==', 'base64'), iterations = 4096) {
    super((send, m, conn) => this.#script(send, m, conn))
    this.mode = mode
    this.salt = salt
    this.iterations = iterations
  }

  #script(send, m, conn) {
    if (m === null) {
      conn.ex = {}
      this.exchanges.push(conn.ex)
      send(wire.sasl())
      return
    }
    if (m.type !== 'p') return
    const ex = conn.ex
    if (ex.clientFirst === undefined) {
      // SASLInitialResponse: mechanism\0, int32 length, client-first
      const nul = m.body.indexOf(0)
      ex.clientFirst = m.body.subarray(nul + 5).toString()
      const nonce = /r=([^,]*)/.exec(ex.clientFirst)[1]
      ex.serverFirst = `r=${nonce}fakeSERVERnonce,s=${this.salt.toString('base64')},i=${this.iterations}`
      send(wire.saslContinue(ex.serverFirst))
      return
    }
    ex.clientFinal = m.body.toString()
    ex.proof = /p=([^,]*)/.exec(ex.clientFinal)?.[1]
    if (this.mode === 'skip-final') send(wire.authOk())
    else if (this.mode === 'server-error') send(msg('R', Buffer.concat([int32(12), Buffer.from('e=invalid-proof')])))
    else send(msg('R', Buffer.concat([int32(12), Buffer.from('v=' + Buffer.alloc(32, 7).toString('base64'))])))
  }
}
