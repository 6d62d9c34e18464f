// What the keyless providers (keyless-aws.js, keyless-gcp.js, keyless-azure.js) share: the workload's OIDC token
// from a string or a (sync/async) function, and sending a request the wasm core built with the runtime's fetch,
// bounded in time (ETIMEDOUT) and size (64 KiB, like the core's parsers), never following redirects (bounded-fetch.js). Messages name
// the service and its origin, never the token, the request body or the answer.
import { boundedFetch, FetchFailure } from './bounded-fetch.js'
import { EdgepgError, errorName } from './errors.js'

export const MAX_ANSWER = 64 * 1024
export const DEFAULT_TIMEOUT = 10_000

// The token for this exchange: a string, or what the function gives (called at each refresh).
export async function resolveToken(token, who) {
  let value = token
  if (typeof token === 'function') {
    try {
      value = await token()
    } catch (e) {
      const why = e?.code ? ` (${e.code})` : ''
      throw new EdgepgError('EINVAL', `${who}: the token function failed${why}`)
    }
  }
  if (typeof value !== 'string' || value === '') {
    throw new EdgepgError('EINVAL', `${who}: token must be a non-empty string or a function giving one (the workload's OIDC token)`)
  }
  return value
}

// The core's failure as an EdgepgError: its registry name, its message, the service's error code as detail.
export function answerError(r) {
  return new EdgepgError(errorName(r.code), r.message, r.detail ? { detail: r.detail } : undefined)
}

function headersOf(lines) {
  const out = {}
  for (const line of lines.split('\n')) {
    const at = line.indexOf(': ')
    if (at > 0) out[line.slice(0, at)] = line.slice(at + 2)
  }
  return out
}

// req: the core's { code, message, method, url, headers, body }. Returns { status, body }.
export async function send(req, { fetch, timeout, service }) {
  if (req.code !== 0) throw answerError(req)
  if (typeof fetch !== 'function') throw new EdgepgError('EINVAL', `${service}: no fetch in this runtime; pass fetch`)
  const where = new URL(req.url).origin
  try {
    const res = await boundedFetch(fetch, req.url,
      { method: req.method, headers: headersOf(req.headers), body: req.body === '' ? undefined : req.body },
      { timeout, maxBytes: MAX_ANSWER })
    return { status: res.status, body: res.body }
  } catch (e) {
    if (!(e instanceof FetchFailure)) throw e
    const at = `${service} at ${where}`
    if (e.reason === 'timeout') throw new EdgepgError('ETIMEDOUT', `${at} did not answer within ${timeout} ms; retry, or raise timeout`)
    throw new EdgepgError('ECREDENTIALS', {
      network: `${at} could not be reached (network error); check the endpoint and the network`,
      'too-large': `${at}: the answer is larger than 64 KiB`,
      unreadable: `${at}: the answer could not be read`,
    }[e.reason])
  }
}

// The clock a provider runs on: options.now or options.clock (ms since the epoch), else Date.now.
export function clockOf(o) {
  const c = o.now ?? o.clock
  return typeof c === 'function' ? c : () => Date.now()
}

export function providerOptions(o) {
  return {
    fetch: o.fetch ?? globalThis.fetch?.bind(globalThis),
    timeout: o.timeout > 0 ? o.timeout : DEFAULT_TIMEOUT,
  }
}
