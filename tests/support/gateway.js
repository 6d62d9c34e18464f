// A throwaway edgepg-gateway in front of the test PostgreSQL: roles that log in with passwords only the gateway
// holds (files in a temp folder), an HS256 issuer, an RLS table keyed by the verified claims, the gateway on free
// loopback ports (postgres, websocket, http), its audit trail in a file. Stopped when the test process exits.
import { execFileSync, spawn } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import * as jose from 'jose'
import { REPO } from './pack.js'
import { psql } from './services.js'

// EDGEPG_GATEWAY_BIN: another build of it (e.g. build/sanitize's, under AddressSanitizer).
export const GATEWAY_BIN = process.env.EDGEPG_GATEWAY_BIN ?? join(REPO, 'build', 'native', 'edgepg-gateway')
export const ISSUER = 'https://issuer.gateway.test'
export const AUDIENCE = 'edgepg-gateway-tests'
const SECRET = 'a-gateway-test-secret-of-at-least-32-bytes!'
export const ROLE_PASSWORDS = { gw_user: 'gw-user-pw-9f2c', gw_admin: 'gw-admin-pw-77aa', gw_anon: 'gw-anon-pw-3b1e' }
export const CLAIMS_ADMIN = { user: 'gw_claims_admin', password: 'gw-claims-admin-pw-51d0' }
export const DATABASE = 'gateway_demo'

// The schema: three login roles (the gateway logs in AS them), the claims admin role with the edgepg schema
// (edgepg-gateway --print-schema), a table whose RLS policy reads request.jwt.claims and one that reads edgepg.sub().
export function prepareDatabase(svc) {
  const logins = { ...ROLE_PASSWORDS, [CLAIMS_ADMIN.user]: CLAIMS_ADMIN.password }
  const roles = Object.entries(logins).map(([role, pw]) =>
    `do $$ begin if not exists (select from pg_roles where rolname = '${role}') then create role ${role} login; end if; end $$; alter role ${role} password '${pw}'`)
  psql(svc, ...roles, `drop database if exists ${DATABASE}`, `create database ${DATABASE}`)
  const schema = execFileSync(GATEWAY_BIN, ['--print-schema', CLAIMS_ADMIN.user]).toString()
  psql({ ...svc, database: DATABASE }, schema)
  psql({ ...svc, database: DATABASE }, `
    create table secrets (owner text not null, body text not null);
    insert into secrets values ('alice', 'alice''s secret'), ('bob', 'bob''s secret');
    alter table secrets enable row level security;
    grant select on secrets to gw_user;
    create policy own_secret on secrets for select to gw_user using (owner = (select edgepg.sub()));`)
  psql({ ...svc, database: DATABASE }, `
    create table notes (id serial primary key, owner text not null, body text not null);
    insert into notes (owner, body) values ('alice', 'alice''s note'), ('bob', 'bob''s note');
    alter table notes enable row level security;
    grant select, insert on notes to gw_user, gw_admin;
    grant select on notes to gw_anon;
    grant usage on sequence notes_id_seq to gw_user, gw_admin;
    create policy own on notes for all to gw_user
      using (owner = current_setting('request.jwt.claims', true)::json ->> 'sub')
      with check (owner = current_setting('request.jwt.claims', true)::json ->> 'sub');
    create policy admin_all on notes for all to gw_admin using (true) with check (true);`)
}

export function token(claims, { exp = '10m', secret = SECRET, iss = ISSUER, aud = AUDIENCE } = {}) {
  return new jose.SignJWT(claims).setProtectedHeader({ alg: 'HS256' }).setIssuer(iss).setAudience(aud).setIssuedAt()
    .setExpirationTime(exp).sign(new TextEncoder().encode(secret))
}

// overrides: top-level configuration sections to replace; tlsFiles: listen.tls ({ cert_file, key_file });
// listenExtra: more listen keys (e.g. { oauthbearer: true }); extraRoles: { role: password } the test created,
// added to roles and identity.allowed_roles.
export async function startGateway(svc, { tlsFiles, listenExtra, extraRoles = {}, ...overrides } = {}) {
  if (!existsSync(GATEWAY_BIN)) throw new Error(`no ${GATEWAY_BIN}: build it first (scripts/build native)`)
  const dir = mkdtempSync(join(tmpdir(), 'edgepg-gateway-'))
  writeFileSync(join(dir, 'secret'), SECRET + '\n')
  writeFileSync(join(dir, 'claims-admin'), CLAIMS_ADMIN.password + '\n')
  const roles = {}
  for (const [role, pw] of Object.entries({ ...ROLE_PASSWORDS, ...extraRoles })) {
    writeFileSync(join(dir, role), pw + '\n')
    roles[role] = { password_file: join(dir, role) }
  }
  // Port 0: the gateway binds free ports itself and logs them (a port found free here could be taken before it binds).
  const config = {
    listen: { postgres: '127.0.0.1:0', websocket: '127.0.0.1:0', http: '127.0.0.1:0',
      ...(tlsFiles ? { tls: tlsFiles } : {}), ...listenExtra },
    upstream: { host: '127.0.0.1', port: svc.pgPort, sslmode: 'disable', databases: [DATABASE] },
    identity: { issuer: ISSUER, audience: AUDIENCE, algorithms: ['HS256'], secret_file: join(dir, 'secret'),
      role_claim: 'role', allowed_roles: ['gw_user', 'gw_admin', ...Object.keys(extraRoles)], anonymous_role: 'gw_anon' },
    roles,
    claims: { setting: 'request.jwt.claims', sessions: { user: CLAIMS_ADMIN.user, password_file: join(dir, 'claims-admin') } },
    limits: { auth_timeout_ms: 3000 },
    ...overrides,
    audit: { file: join(dir, 'audit.jsonl'), ...overrides.audit },  // the trail stays where audit() reads it
  }
  writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config, null, 2))
  const child = spawn(GATEWAY_BIN, ['--config', join(dir, 'gateway.json')], { stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  child.stdout.on('data', (d) => (output += d))
  child.stderr.on('data', (d) => (output += d))
  process.once('exit', () => {
    child.kill('SIGKILL')
    rmSync(dir, { recursive: true, force: true })
  })
  const ports = await boundPorts(child, config.listen, () => output)
  return {
    ...ports, dir, child, config,
    output: () => output,
    audit: () => (existsSync(join(dir, 'audit.jsonl')) ? readFileSync(join(dir, 'audit.jsonl'), 'utf8').trim().split('\n').filter(Boolean).map((l) => JSON.parse(l)) : []),
    wsUrl: (address) => `ws://127.0.0.1:${ports.websocket}/v1` + (address ? `?address=${address}` : ''),
    // Rewrites the configuration with `change` applied (when given) and waits for the SIGHUP reload; fails with the
    // gateway's output if it refuses the reload or ends instead.
    async reload(change) {
      if (change) {
        change(config)
        writeFileSync(join(dir, 'gateway.json'), JSON.stringify(config, null, 2))
      }
      await reloaded(child, () => output)
    },
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return  // gone already (a signal leaves exitCode null)
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await exited
    },
  }
}

// Sends SIGHUP and resolves at the gateway's "configuration reloaded"; rejects at "reload refused" or if it ends.
function reloaded(child, output) {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.reject(new Error(`the gateway is gone:\n${output()}`))
  const before = output().length
  const answer = new Promise((resolve, reject) => {
    const settle = (fn, value) => {
      child.stderr.off('data', look)
      child.off('close', ended)
      fn(value)
    }
    const look = () => {
      const said = output().slice(before)
      if (said.includes('configuration reloaded')) settle(resolve)
      else if (said.includes('reload refused')) settle(reject, new Error(`the gateway refused the reload:\n${said}`))
    }
    const ended = (code, signal) => settle(reject, new Error(`the gateway ended (${signal ?? code}) instead of reloading:\n${output()}`))
    child.stderr.on('data', look)
    child.once('close', ended)
  })
  child.kill('SIGHUP')
  return answer
}

// The ports of the configured listeners, from the gateway's "<name> listener on host:port" lines; the gateway's own
// words at once if it ends first (a configuration it refuses; 'close': its output read to the end), or if it is not
// listening within 10 s (then it is killed).
function boundPorts(child, listen, output) {
  const wanted = ['postgres', 'websocket', 'http'].filter((name) => listen[name])
  return new Promise((resolve, reject) => {
    const done = () => {
      clearTimeout(timer)
      child.off('close', ended)
      child.stderr.off('data', look)
    }
    const fail = (why) => {
      done()
      reject(new Error(`edgepg-gateway ${why}; its output:\n${output()}`))
    }
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      fail('is not listening after 10000 ms')
    }, 10000)
    const ended = (code, signal) => fail(`ended (${signal ?? code}) before listening`)
    child.once('close', ended)
    const look = () => {
      const ports = {}
      for (const m of output().matchAll(/edgepg-gateway: (\w+) listener on \S+:(\d+)\n/g)) ports[m[1]] = Number(m[2])
      if (!wanted.every((name) => ports[name])) return
      done()
      resolve(ports)
    }
    child.stderr.on('data', look)
  })
}
