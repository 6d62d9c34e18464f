// Throwaway test services: a PostgreSQL 15 cluster in a temp folder on a free loopback port (scram-sha-256 by
// default, plus roles that log in with md5, cleartext and trust), and websockify in front of it.
// Used by scripts/with-services.js (one set for a whole run) and by tests run on their own.
import { spawn, execFileSync } from 'node:child_process'
import { mkdtempSync, writeFileSync, chmodSync, rmSync, readFileSync, existsSync, readdirSync, readlinkSync } from 'node:fs'
import { createServer, connect } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

const PG_BIN = '/usr/lib/postgresql/15/bin'
const isRoot = process.getuid?.() === 0

export const SUPERUSER = 'postgres'
export const SUPERUSER_PASSWORD = 'super-secret-pw'
// Roles the tests log in as, one per authentication method.
export const ROLES = {
  scram: { user: 'scram_user', password: 'scram-pässword-1' },
  md5: { user: 'md5_user', password: 'md5-password-2' },
  cleartext: { user: 'plain_user', password: 'plain-password-3' },
  trust: { user: 'trust_user', password: undefined },
}

export function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.unref()
    srv.on('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address()
      srv.close(() => resolve(port))
    })
  })
}

// Starts an in-process server on loopback; port 0 (the default) lets the system pick a free one, without the race of
// freePort(). Resolves with the port bound.
export function listenLoopback(server, port = 0) {
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => {
      server.off('error', reject)
      resolve(server.address().port)
    })
  })
}

// Runs start(port) on a port free a moment ago; when it throws an error marked `retry` (the server could not have the
// port: another process took it in between), start() runs again on another one, three times at most. Resolves with
// the port it runs on.
async function onFreePort(start) {
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    try {
      await start(port)
      return port
    } catch (e) {
      if (attempt === 3 || !e.retry) throw e
    }
  }
}

export async function waitForPort(port, timeoutMs = 15000) {
  const deadline = Date.now() + timeoutMs
  for (;;) {
    const ok = await new Promise((resolve) => {
      const s = connect(port, '127.0.0.1')
      s.once('connect', () => {
        s.destroy()
        resolve(true)
      })
      s.once('error', () => resolve(false))
    })
    if (ok) return
    if (Date.now() > deadline) throw new Error(`nothing listens on 127.0.0.1:${port} after ${timeoutMs} ms`)
    await new Promise((r) => setTimeout(r, 50))
  }
}

// Runs a PostgreSQL binary as the postgres OS user when we are root (initdb and postgres refuse root).
function pgCommand(bin, args) {
  const path = join(PG_BIN, bin)
  return isRoot ? ['runuser', ['-u', 'postgres', '--', path, ...args]] : [path, args]
}

function runPg(bin, args) {
  const [cmd, argv] = pgCommand(bin, args)
  return execFileSync(cmd, argv, { stdio: ['ignore', 'pipe', 'pipe'] }).toString()
}

// Runs SQL as the superuser over the cluster's Unix socket; each string is its own command (own transaction).
export function psql(svc, ...commands) {
  const args = ['-h', svc.dir, '-p', String(svc.pgPort), '-U', SUPERUSER, '-d', svc.database ?? 'postgres', '-v', 'ON_ERROR_STOP=1', '-qAt']
  for (const c of commands) args.push('-c', c)
  return runPg('psql', args)
}

export async function startPostgres() {
  const dir = mkdtempSync(join(tmpdir(), 'edgepg-pg-'))
  chmodSync(dir, 0o777)
  const data = join(dir, 'data')
  const pwfile = join(dir, 'pw')
  writeFileSync(pwfile, SUPERUSER_PASSWORD + '\n')
  chmodSync(pwfile, 0o644)
  if (isRoot) execFileSync('chown', ['-R', 'postgres:postgres', dir])
  runPg('initdb', ['-D', data, '-U', SUPERUSER, '--pwfile', pwfile, '-E', 'UTF8', '--locale=C.UTF-8',
    '--auth-local=trust', '--auth-host=scram-sha-256'])
  // Specific methods for the roles that test them; everyone else uses scram-sha-256 (initdb's line, after these).
  const hba = join(data, 'pg_hba.conf')
  const original = readFileSync(hba, 'utf8')
  writeFileSync(hba, [
    `host all ${ROLES.md5.user} 127.0.0.1/32 md5`,
    `host all ${ROLES.cleartext.user} 127.0.0.1/32 password`,
    `host all ${ROLES.trust.user} 127.0.0.1/32 trust`,
    '',
  ].join('\n') + original)
  const log = join(dir, 'log')
  const pgPort = await onFreePort((port) => {
    try {
      runPg('pg_ctl', ['-D', data, '-l', log, '-w', '-t', '30', '-o',
        `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=${process.env.EDGEPG_PG_MAX_CONNECTIONS ?? 200}`, 'start'])
    } catch (e) {
      // Only a port taken in between is worth another try (the postmaster then exited); anything else is the error.
      const said = existsSync(log) ? readFileSync(log, 'utf8') : ''
      throw Object.assign(e, { retry: /could not bind|Address already in use/.test(said) })
    }
  })
  const svc = { dir, data, pgPort }
  try {
    setUpRoles(svc)
  } catch (e) {
    stopPostgres(svc)
    throw e
  }
  return svc
}

function setUpRoles(svc) {
  psql(svc, [
    `create role ${ROLES.scram.user} login password '${ROLES.scram.password}'`,
    `set password_encryption = 'md5'`,
    `create role ${ROLES.md5.user} login password '${ROLES.md5.password}'`,
    `reset password_encryption`,
    `create role ${ROLES.cleartext.user} login password '${ROLES.cleartext.password}'`,
    `create role ${ROLES.trust.user} login`,
  ].join('; '), `create database edgepg_test owner ${ROLES.scram.user}`)
}

export function stopPostgres(svc) {
  try {
    runPg('pg_ctl', ['-D', svc.data, '-m', 'immediate', '-w', 'stop'])
  } catch {}
  rmSync(svc.dir, { recursive: true, force: true })
}

export async function startWebsockify(targetPort) {
  let child
  const wsPort = await onFreePort(async (port) => {
    child = spawn('websockify', [`127.0.0.1:${port}`, `127.0.0.1:${targetPort}`], { stdio: 'ignore' })
    const exited = new Promise((_, reject) => child.once('exit', (code) => reject(Object.assign(new Error(`websockify exited (${code})`), { retry: true }))))
    exited.catch(() => {})
    try {
      await Promise.race([waitForPort(port), exited])
      // Something answers on the port: websockify's own socket, not another process's that took the port.
      if (!listensOn(child.pid, port)) throw Object.assign(new Error(`another process listens on ${port}`), { retry: true })
    } catch (e) {
      child.kill('SIGKILL')
      throw e
    }
  })
  return { wsPort, child }
}

// Whether process `pid` holds the listening TCP socket of loopback port `port` (Linux: /proc/net/tcp's inodes against
// the process's file descriptors).
export function listensOn(pid, port) {
  const hexPort = ':' + port.toString(16).toUpperCase().padStart(4, '0')
  const inodes = new Set()
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(table)) continue
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/)
      if (f[1]?.endsWith(hexPort) && f[3] === '0A') inodes.add(`socket:[${f[9]}]`)  // 0A: LISTEN
    }
  }
  const fds = `/proc/${pid}/fd`
  try {
    return readdirSync(fds).some((fd) => {
      try {
        return inodes.has(readlinkSync(join(fds, fd)))
      } catch {
        return false
      }
    })
  } catch {
    return false
  }
}

export function stopChild(child) {
  if (child && child.exitCode === null) child.kill('SIGTERM')
}

// Starts both; returns what tests need, as plain data (it also travels through an environment variable).
export async function startServices() {
  const pg = await startPostgres()
  const proxy = await startWebsockify(pg.pgPort)
  return { dir: pg.dir, data: pg.data, pgPort: pg.pgPort, wsPort: proxy.wsPort, websockifyPid: proxy.child.pid, _child: proxy.child }
}

export function stopServices(svc) {
  if (svc._child) stopChild(svc._child)
  else if (svc.websockifyPid) {
    try {
      process.kill(svc.websockifyPid)
    } catch {}
  }
  stopPostgres(svc)
}
