// SCRAM logins with passwords that SASLprep (RFC 4013) changes or refuses, against PostgreSQL 15, which prepares the
// password itself when it stores the SCRAM secret (src/common/saslprep.c). Each role gets its password in plain text
// from CREATE ROLE, so the server's own SASLprep decides what the key is; edgepg must derive the same. Differential:
// node-postgres over TCP logs in with the passwords its own suite uses and with every password both prepare alike;
// pg skips SASLprep's prohibition and bidi checks (its sasl.js says so), so where PostgreSQL keeps the raw password
// pg cannot log in, and the test records that.
import { test, before } from 'node:test'
import assert from 'node:assert/strict'
import pg from 'pg'
import { Client } from 'edgepg'
import { getServices, clientConfig } from '../support/env.js'
import { psql } from '../support/services.js'

// [password, what SASLprep does, whether pg 8.23 prepares it as PostgreSQL does]
const PASSWORDS = [
  ['IX-\u2168', 'NFKC: ROMAN NUMERAL NINE is "IX" (node-postgres\'s suite)', true],
  ['test4scram', 'ASCII: as is (node-postgres\'s suite)', true],
  ['\u0007abc', 'ASCII with a control character: as is (node-postgres\'s suite)', true],
  ['\u2168', 'NFKC alone', true],
  ['a\u00A0b\u00ADc', 'mapping: NO-BREAK SPACE to space, SOFT HYPHEN to nothing', true],
  ['e\u0301t\u00E9\uFB01', 'NFKC: composition and a ligature', true],
  ['\uFB50\u0627', 'right-to-left only: NFKC, bidi passes', true],
  ['\u2168\u0007', 'a prohibited control character: the raw password', false],
  ['\u0627a', 'bidi: right-to-left with left-to-right: the raw password (NFKC leaves it alone too)', true],
  ['\u2168\u{1F600}', 'unassigned in Unicode 3.2: the raw password', false],
  ['a\u0340', 'prohibited in the input though not after NFKC (PostgreSQL checks the input): the raw password', false],
]

let svc
const roleOf = (i) => `saslprep_js_${i}`
const literal = (s) => "'" + s.replace(/'/g, "''") + "'"

before(async () => {
  svc = await getServices()
  const commands = ["set password_encryption = 'scram-sha-256'"]
  PASSWORDS.forEach(([password], i) => {
    commands.push(`drop role if exists ${roleOf(i)}`, `create role ${roleOf(i)} login password ${literal(password)}`)
  })
  psql(svc, commands.join('; '))
})

async function edgepgLogin(user, password) {
  const c = new Client(clientConfig(svc, 'scram', { user, password, database: 'postgres' }))
  try {
    await c.connect()
    const { rows } = await c.query('select current_user as u')
    return rows[0].u
  } catch (e) {
    return e.code
  } finally {
    await c.end().catch(() => {})
  }
}

async function pgLogin(user, password) {
  const c = new pg.Client({ host: '127.0.0.1', port: svc.pgPort, user, password, database: 'postgres' })
  try {
    await c.connect()
    const { rows } = await c.query('select current_user as u')
    return rows[0].u
  } catch (e) {
    return e.code
  } finally {
    await c.end().catch(() => {})
  }
}

for (const [i, [password, what, pgAgrees]] of PASSWORDS.entries()) {
  test(`SCRAM login with a password SASLprep handles: ${what}`, { timeout: 20000 }, async () => {
    const user = roleOf(i)
    assert.equal(await edgepgLogin(user, password), user)
    assert.equal(await edgepgLogin(user, password + 'x'), '28P01') // a wrong password still fails
    const viaPg = await pgLogin(user, password)
    if (pgAgrees) assert.equal(viaPg, user)
    else assert.equal(viaPg, '28P01') // pg normalises where PostgreSQL keeps the raw password
  })
}

test('the NFKC form of a password logs in too, as PostgreSQL stored it prepared (node-postgres\'s suite)', { timeout: 20000 }, async () => {
  assert.equal(await edgepgLogin(roleOf(0), 'IX-IX'), roleOf(0))
  assert.equal(await pgLogin(roleOf(0), 'IX-IX'), roleOf(0))
  // ... and the raw form of a refused one is what PostgreSQL kept: its NFKC form does not log in.
  assert.equal(await edgepgLogin(roleOf(7), 'IX\u0007'), '28P01')
})
