// Connection-string parsing (wasm/src/connection-options.js, reached through new Client / new Pool) under random
// input: a property test with a seeded generator (EDGEPG_FUZZ_SEED=<n> to replay, EDGEPG_FUZZ_RUNS=<n> for more).
// Properties: whatever the string, the constructor either succeeds or throws an EdgepgError with code EINVAL; and
// the password part never shows in the error's message, String(), JSON.stringify(), stack, nor in util.inspect of
// a client that was made.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { Client, Pool, EdgepgError } from 'edgepg'
import { mulberry32 } from '../support/prng.js'

const SEED = Number(process.env.EDGEPG_FUZZ_SEED ?? 20240607)
const RUNS = Number(process.env.EDGEPG_FUZZ_RUNS ?? 5000)
// Every generated password holds this marker; no message edgepg writes contains it.
const MARKER = 'Zq7sEcReT'

function generator(seed) {
  const r = mulberry32(seed)
  const int = (n) => Math.floor(r() * n)
  const pick = (xs) => xs[int(xs.length)]
  // The first choice half of the time: most strings stay close enough to valid to reach the deeper paths.
  const likely = (xs) => (r() < 0.5 ? xs[0] : pick(xs))
  const encode = (s) => {
    try {
      return encodeURIComponent(s)
    } catch {
      return s // a lone surrogate: keep it raw
    }
  }
  const CHARS = ['a', 'Z', '0', '9', '-', '_', '.', '~', ':', '@', '/', '?', '#', '[', ']', '%', '%2', '%zz', '%41', '%E0%A4%A',
    '%C3%A9', '%00', '+', '&', '=', ' ', '\t', '\n', '\\', '"', "'", '<', '>', 'é', '💥', '\u0000', '\uD800', '\u202E', '*', ',', ';']
  const chars = (n) => Array.from({ length: n }, () => pick(CHARS)).join('')
  const password = () => {
    const around = [chars(int(4)), chars(int(4))]
    // Sometimes percent-encoded (as a URL would carry it), the marker itself always literal.
    const p = around[0] + MARKER + around[1]
    return r() < 0.3 ? encode(around[0]) + MARKER + encode(around[1]) : p
  }
  const structured = () => {
    const scheme = likely(['postgres://', 'postgresql://', 'postgres:', 'pg://', 'http://', 'POSTGRES://', '', 'postgres:///', 'postgres:\\\\'])
    const user = likely(['alice', 'u', '', chars(int(6)), '%zz', 'us%E0er'])
    const pw = password()
    const userinfo = likely([`${user}:${pw}@`, `:${pw}@`, `${user}:${pw}:${pw}@`, `${user}:${pw}@@`])
    const host = likely(['localhost', '127.0.0.1', '[::1]', '[::1', 'h%zz', 'db.example.com', '', chars(int(5)), 'xn--', '256.0.0.1'])
    const port = likely(['', ':5432', ':0', ':65536', ':99999', ':-1', ':abc', ':', ':5432:1'])
    const path = likely(['', '/', '/db', '/d%zz', '/' + chars(int(6)), '/db/extra'])
    const query = likely(['', '?application_name=x', '?options=-c%20x', '?sslmode=require', '?' + chars(int(6)), '?a=%zz'])
    const frag = likely(['', '#', '#' + chars(3)])
    return scheme + userinfo + host + port + path + query + frag
  }
  const noise = () => {
    // Arbitrary code units, the marker somewhere.
    const n = int(40)
    let s = ''
    for (let i = 0; i < n; i++) s += String.fromCharCode(int(r() < 0.8 ? 128 : 0x10000))
    const at = int(s.length + 1)
    return s.slice(0, at) + MARKER + s.slice(at)
  }
  return () => (r() < 0.85 ? structured() : noise())
}

function leaks(text) {
  return typeof text === 'string' && (text.includes(MARKER) || text.includes(encodeURIComponent(MARKER)))
}

// The password as a URL parser sees it (raw, then decoded when it decodes); '' when there is none.
function passwordOf(s) {
  try {
    const pw = new URL(s).password
    try {
      return pw + decodeURIComponent(pw)
    } catch {
      return pw
    }
  } catch {
    return ''
  }
}

// Runs the property over RUNS strings: returns the inputs that broke it, apart from URIErrors (tracked separately).
function runProperty(make) {
  const next = generator(SEED)
  const violations = []
  const uriErrors = []
  for (let i = 0; i < RUNS; i++) {
    const s = next()
    let made
    try {
      made = make(s)
    } catch (e) {
      if (e instanceof URIError) {
        uriErrors.push(s)
        if (leaks(e.message) || leaks(e.stack)) violations.push({ s, why: 'URIError text shows the password' })
        continue
      }
      if (!(e instanceof EdgepgError)) {
        violations.push({ s, why: `threw ${e?.constructor?.name}: ${e?.message}` })
        continue
      }
      if (e.code !== 'EINVAL') violations.push({ s, why: `code ${e.code}` })
      for (const [where, text] of [['message', e.message], ['toString', String(e)], ['JSON', JSON.stringify(e)],
        ['stack', e.stack], ['inspect', inspect(e)]]) {
        if (leaks(text)) violations.push({ s, why: `the password shows in ${where}: ${text}` })
      }
      continue
    }
    // Made: the URL's own password (the marker may have landed in the host or path, which are not secret).
    if (passwordOf(s).includes(MARKER) && (leaks(inspect(made, { depth: 5, showHidden: true })) || leaks(JSON.stringify(made)))) {
      violations.push({ s, why: 'the password shows in the object' })
    }
  }
  return { violations, uriErrors }
}

const makeClient = (s) => new Client({ connectionString: s })
const makePool = (s) => {
  const pool = new Pool({ connectionString: s })
  // A Pool resolves options lazily: a client made from its config parses them.
  return new pool.Client({ connectionString: s })
}

test(`random connection strings: EdgepgError EINVAL or success, never the password (seed ${SEED}, ${RUNS} runs)`, () => {
  const { violations } = runProperty(makeClient)
  assert.deepEqual(violations.slice(0, 5), [], `${violations.length} violations; replay with EDGEPG_FUZZ_SEED=${SEED}`)
})

test('random connection strings through a Pool', () => {
  const { violations } = runProperty(makePool)
  assert.deepEqual(violations.slice(0, 5), [])
})

test('the generator reaches both outcomes and the password-bearing paths', () => {
  const next = generator(SEED)
  let ok = 0
  let einval = 0
  for (let i = 0; i < 2000; i++) {
    try {
      makeClient(next())
      ok++
    } catch (e) {
      if (e instanceof EdgepgError) einval++
    }
  }
  assert.ok(ok > 100, `only ${ok} strings parsed`)
  assert.ok(einval > 100, `only ${einval} strings refused`)
})

test('a parsed password is used, not shown', () => {
  const c = new Client({ connectionString: `postgres://u:${MARKER}@h:5432/db` })
  assert.ok(!leaks(inspect(c, { depth: 5, showHidden: true })))
  assert.ok(!leaks(JSON.stringify(c)))
  for (const bad of [`postgres://u:${MARKER}@h:99999/db`, `pg://u:${MARKER}@h/db`, `postgres://u:${MARKER}@[::1/db`]) {
    assert.throws(() => makeClient(bad), (e) => e instanceof EdgepgError && e.code === 'EINVAL' && !leaks(e.message) && !leaks(e.stack))
  }
})

// Malformed percent-escapes ("%zz", a truncated UTF-8 sequence) in the user, password, host or database.
test('malformed percent-escapes are EdgepgError EINVAL, not URIError', () => {
  for (const s of ['postgres://u%zz:pw@h/db', `postgres://u:${MARKER}%E0%A4%A@h/db`, 'postgres://u:pw@h/d%zz', 'postgres://u:pw@h%zz/db']) {
    assert.throws(() => makeClient(s), (e) => e instanceof EdgepgError && e.code === 'EINVAL' && !leaks(e.message), s)
  }
  const { uriErrors } = runProperty(makeClient)
  assert.deepEqual(uriErrors.slice(0, 5), [], `${uriErrors.length} strings threw URIError`)
})
