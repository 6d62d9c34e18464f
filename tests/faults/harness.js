// What every fault test checks besides its own scenario: the error's class, code and timing, that the process saw no
// unhandled rejection or uncaught exception, and that no secret shows anywhere an error or a log line can carry it.
import assert from 'node:assert/strict'
import { inspect } from 'node:util'
import { EdgepgError } from 'edgepg'

// Records unhandled rejections and uncaught exceptions for the whole file; assertClean() fails a test if any came.
export function processErrorRecorder() {
  const seen = []
  const onRejection = (reason) => seen.push({ type: 'unhandledRejection', error: reason })
  const onException = (error) => seen.push({ type: 'uncaughtException', error })
  process.on('unhandledRejection', onRejection)
  process.on('uncaughtException', onException)
  return {
    seen,
    async assertClean() {
      // Let late rejections of this scenario surface first (they are reported after a macrotask turn).
      await new Promise((r) => setTimeout(r, 50))
      assert.deepEqual(seen.map((s) => `${s.type}: ${s.error?.stack ?? s.error}`), [])
    },
    dispose() {
      process.off('unhandledRejection', onRejection)
      process.off('uncaughtException', onException)
    },
  }
}

// Awaits `promise`, which must reject with an EdgepgError of `code` within `withinMs`. Returns the error.
export async function expectEdgepgError(promise, code, withinMs, label = '') {
  const started = Date.now()
  let timer
  const deadline = new Promise((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${label}: still pending after ${withinMs} ms (expected ${code})`)), withinMs + 250)
  })
  let err = null
  try {
    await Promise.race([promise, deadline])
  } catch (e) {
    err = e
  } finally {
    clearTimeout(timer)
  }
  const elapsed = Date.now() - started
  assert.ok(err, `${label}: resolved, expected a rejection with ${code}`)
  if (!(err instanceof EdgepgError)) throw err
  assert.equal(err.code, code, `${label}: code ${err.code} (${err.message}), expected ${code}`)
  assert.ok(elapsed <= withinMs + 250, `${label}: took ${elapsed} ms, the limit is ${withinMs} ms`)
  return err
}

// Every place an error's text can end up: message, toString(), JSON, stack, util.inspect (what console.log shows).
export function errorTexts(err) {
  return {
    message: String(err?.message),
    toString: String(err),
    json: JSON.stringify(err),
    stack: String(err?.stack),
    inspect: inspect(err, { depth: 8, showHidden: true }),
  }
}

export function assertNoSecrets(err, secrets, label = '') {
  for (const [where, text] of Object.entries(errorTexts(err))) {
    for (const s of secrets) {
      if (s && text.includes(s)) assert.fail(`${label}: a secret shows in the error's ${where}: ${text.slice(0, 200)}`)
    }
  }
}

// Captures everything written through console.* (and process.stdout/stderr writes) while `fn` runs.
export async function captureOutput(fn) {
  const lines = []
  const names = ['log', 'info', 'warn', 'error', 'debug', 'trace']
  const saved = names.map((n) => console[n])
  for (const n of names) console[n] = (...args) => lines.push(args.map((a) => (typeof a === 'string' ? a : inspect(a, { depth: 8 }))).join(' '))
  const out = process.stdout.write
  const err = process.stderr.write
  process.stdout.write = function (chunk, ...rest) {
    lines.push(String(chunk))
    return out.call(this, chunk, ...rest)
  }
  process.stderr.write = function (chunk, ...rest) {
    lines.push(String(chunk))
    return err.call(this, chunk, ...rest)
  }
  try {
    return { result: await fn(), lines }
  } finally {
    names.forEach((n, i) => (console[n] = saved[i]))
    process.stdout.write = out
    process.stderr.write = err
  }
}

export const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// Waits until cond() holds (polling), or fails after timeoutMs.
export async function until(cond, timeoutMs = 5000, label = 'condition') {
  const end = Date.now() + timeoutMs
  while (!(await cond())) {
    if (Date.now() > end) assert.fail(`${label} not reached within ${timeoutMs} ms`)
    await sleep(20)
  }
}
