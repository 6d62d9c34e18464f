// A throwaway certificate authority and a server certificate for localhost / 127.0.0.1 (P-256, two days), made with
// the openssl command line in a temp folder; plus a second CA that signed nothing (to prove verification fails).
import { execFileSync } from 'node:child_process'
import { chmodSync, chownSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export function makeCertificates() {
  const dir = mkdtempSync(join(tmpdir(), 'edgepg-tls-'))
  const ssl = (...args) => execFileSync('openssl', args, { cwd: dir, stdio: ['ignore', 'ignore', 'pipe'] })
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes']
  ssl('req', '-x509', ...ec, '-keyout', 'ca.key', '-out', 'ca.crt', '-days', '2', '-subj', '/CN=edgepg-test-ca')
  ssl('req', '-x509', ...ec, '-keyout', 'wrong-ca.key', '-out', 'wrong-ca.crt', '-days', '2', '-subj', '/CN=edgepg-wrong-ca')
  ssl('req', ...ec, '-keyout', 'server.key', '-out', 'server.csr', '-subj', '/CN=localhost')
  writeFileSync(join(dir, 'san.ext'), 'subjectAltName=DNS:localhost,IP:127.0.0.1\n')
  ssl('x509', '-req', '-in', 'server.csr', '-CA', 'ca.crt', '-CAkey', 'ca.key', '-CAcreateserial', '-days', '2',
    '-extfile', 'san.ext', '-out', 'server.crt')
  const file = (name) => join(dir, name)
  return {
    dir,
    caFile: file('ca.crt'), certFile: file('server.crt'), keyFile: file('server.key'), wrongCaFile: file('wrong-ca.crt'),
    ca: readFileSync(file('ca.crt'), 'utf8'), wrongCa: readFileSync(file('wrong-ca.crt'), 'utf8'),
  }
}

// Certificates for a PostgreSQL server to serve (ssl_cert_file, ssl_key_file): the server process (the postgres OS
// user when the tests run as root) must read the key, and only it.
export function makeServerCertificates() {
  const certs = makeCertificates()
  chmodSync(certs.dir, 0o755)
  chmodSync(certs.certFile, 0o644)
  chmodSync(certs.keyFile, 0o600)
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres']).toString())
    const gid = Number(execFileSync('id', ['-g', 'postgres']).toString())
    chownSync(certs.keyFile, uid, gid)
  }
  return certs
}
