// One list of error codes (issue #13): the core's registry (lib/include/edgepg/error_code.hpp, whose names the wasm
// module hands over at load), the codes only the JS layer produces (JS_ERROR_CODES in wasm/src/errors.js), the
// EdgepgErrorCode union of wasm/types/index.d.ts and README.md's "Error codes" table are the same codes; the JS side
// holds no numeric code of its own, and the event tape's tags are the core's. Needs no services.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import 'edgepg' // the node entry: it tells core.js where the wasm module is
import { loadCore } from '../../wasm/src/core.js'
import { JS_ERROR_CODES, coreError, coreErrorNames, errorName } from '../../wasm/src/errors.js'
import { CELL, EV } from '../../wasm/src/tape.js'

const REPO = resolve(dirname(fileURLToPath(import.meta.url)), '../..')
const SRC = join(REPO, 'wasm/src')
const read = (path) => readFileSync(join(REPO, path), 'utf8')
const sorted = (xs) => [...new Set(xs)].sort()
// 'SQLSTATE' is the registry's placeholder for a server's error, whose code is its own five-character SQLSTATE.
const PLACEHOLDER = 'SQLSTATE'

async function codes() {
  const core = await loadCore()
  const coreNames = coreErrorNames().filter((n) => n !== PLACEHOLDER)
  return { core, coreNames, all: sorted([...coreNames, ...JS_ERROR_CODES]) }
}

// The string literals of `export type EdgepgErrorCode = ...` (and whether it still has template literal members).
function typeUnion() {
  const dts = read('wasm/types/index.d.ts')
  const start = dts.indexOf('export type EdgepgErrorCode =')
  assert.ok(start >= 0, 'index.d.ts declares EdgepgErrorCode')
  const body = dts.slice(start, dts.indexOf('\nexport ', start + 1))
  const code = body.replace(/\/\*\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '')
  return { literals: [...code.matchAll(/\|\s*'([^']+)'/g)].map((m) => m[1]), templates: /`/.test(code) }
}

// README.md's "Error codes" table: code -> the "from" column.
function readmeTable() {
  const md = read('README.md')
  const start = md.indexOf('\n## Error codes\n')
  assert.ok(start >= 0, 'README.md has a section "Error codes"')
  const section = md.slice(start + 1, md.indexOf('\n## ', start + 1))
  const rows = new Map()
  for (const m of section.matchAll(/^\| `([A-Z_]+)` \| ([a-zA-Z]+) \|/gm)) {
    assert.ok(!rows.has(m[1]), `README lists ${m[1]} twice`)
    rows.set(m[1], m[2])
  }
  return rows
}

// Every code wasm/src produces as a literal: new EdgepgError('X', ...) and the gate's httpError(status, 'X', ...).
function producedInJs() {
  const out = new Map()
  for (const file of readdirSync(SRC).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(SRC, file), 'utf8')
    for (const m of text.matchAll(/new EdgepgError\(\s*'([A-Z0-9_]+)'|httpError\(\d+, '([A-Z0-9_]+)'/g)) {
      const code = m[1] ?? m[2]
      if (!out.has(code)) out.set(code, file)
    }
  }
  return out
}

test('error codes: the core names its codes once, and the JS layer adds only its own', async () => {
  const { coreNames } = await codes()
  for (const name of ['EPROTO', 'EAUTH', 'EINVAL', 'ECONNCLOSED', 'ERR_JWT_EXPIRED', 'ERR_JWKS_NO_KEY', 'ECONNREFUSED', 'ETIMEDOUT']) {
    assert.ok(coreNames.includes(name), `the core names ${name}`)
  }
  assert.deepEqual(JS_ERROR_CODES.filter((c) => coreNames.includes(c)), [], 'JS_ERROR_CODES holds only codes the core has not')
  assert.equal(new Set(JS_ERROR_CODES).size, JS_ERROR_CODES.length)
})

test('error codes: the d.ts union is exactly the core codes and the JS codes', async () => {
  const { all } = await codes()
  const { literals, templates } = typeUnion()
  assert.equal(templates, false, 'EdgepgErrorCode lists codes, not patterns')
  assert.equal(new Set(literals).size, literals.length, 'no code twice in EdgepgErrorCode')
  assert.deepEqual(sorted(literals), all)
})

test('error codes: the README table is exactly the core codes and the JS codes, each from where it says', async () => {
  const { coreNames, all } = await codes()
  const rows = readmeTable()
  assert.deepEqual(sorted(rows.keys()), all)
  for (const [code, from] of rows) {
    if (JS_ERROR_CODES.includes(code)) assert.equal(from, 'JS', `${code} comes from the JS layer`)
    else assert.ok(['both', 'native'].includes(from), `${code} comes from the core: "both" or "native", not ${from}`)
    if (coreNames.includes(code) && producedInJs().has(code)) assert.equal(from, 'both', `${code}: the JS layer produces it too`)
  }
})

test('error codes: every code the JS layer produces is listed, and every JS-only code is produced', async () => {
  const { all } = await codes()
  const produced = producedInJs()
  for (const [code, file] of produced) assert.ok(all.includes(code), `wasm/src/${file} produces ${code}, which is not listed`)
  for (const code of JS_ERROR_CODES) assert.ok(produced.has(code), `${code} is listed but wasm/src never produces it`)
})

test('error codes: numbers cross the boundary mapped by the core\'s names, none hard-coded in JS', async () => {
  const { core } = await codes()
  const names = core.errorNames().split('\n')
  assert.equal(names[0], 'OK')
  for (let i = 1; i < names.length; i++) assert.equal(errorName(i), names[i])
  assert.equal(errorName(names.length), 'EPROTO', 'a number the core does not have')
  assert.equal(coreError(names.indexOf('EAUTH'), 'm').code, 'EAUTH')
  // A JWT verifier's failure arrives as a number and leaves as the core's name.
  const v = new core.JwtVerifier()
  const code = v.verify('x.y.z', 0)
  assert.equal(errorName(code), 'ERR_JWKS_NO_KEY') // no key set: the core's message says so
  assert.match(v.lastErrorMessage(), /no verification key/)
  v.delete()
  for (const file of readdirSync(SRC).filter((f) => f.endsWith('.js'))) {
    const text = readFileSync(join(SRC, file), 'utf8')
    assert.doesNotMatch(text, /\b(ERRC|Errc|JwtErrc|ErrorCode|[A-Z_]*JWKS_NO_KEY)\w*\s*=\s*\d/, `${file} hard-codes a core error number`)
    assert.doesNotMatch(text, /\bERRC_CODES\b/, `${file} maps codes by array position`)
  }
})

test('tape tags: the readers\' EV and CELL are the core\'s tags, read once at load', async () => {
  const { core } = await codes()
  const fromCore = { event: {}, cell: {} }
  for (const line of core.tapeTags().split('\n').filter(Boolean)) {
    const [kind, name, value] = line.split(' ')
    fromCore[kind][name] = Number(value)
  }
  assert.deepEqual({ ...EV }, fromCore.event)
  assert.deepEqual({ ...CELL }, fromCore.cell)
  for (const table of [EV, CELL]) {
    const values = Object.values(table)
    assert.ok(values.every((v) => Number.isInteger(v) && v >= 0))
    assert.equal(new Set(values).size, values.length, 'each tag once')
  }
  const tape = read('wasm/src/tape.js')
  assert.doesNotMatch(tape, /:\s*\d+,/, 'tape.js holds no tag values of its own')
})
