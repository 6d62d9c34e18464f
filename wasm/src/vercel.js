// vercelOidcToken: the OIDC token Vercel gives a function (with OIDC federation enabled in the project): the
// request's x-vercel-oidc-token header in a deployed function, else the VERCEL_OIDC_TOKEN environment variable
// (builds, and local development after `vercel env pull`). Pass it (or `() => vercelOidcToken(request)`) as the
// token of awsWebIdentityCredentials, gcpAccessToken or azureAccessToken.
import { EdgepgError } from './errors.js'

const HEADER = 'x-vercel-oidc-token'

function headerOf(headers) {
  if (!headers) return undefined
  if (typeof headers.get === 'function') return headers.get(HEADER) ?? undefined
  const v = headers[HEADER]
  return Array.isArray(v) ? v[0] : v
}

// request: a Request, or anything with headers (a Headers, or a plain object); optional.
export function vercelOidcToken(request) {
  const fromRequest = headerOf(request?.headers)
  if (fromRequest) return fromRequest
  // Vercel's runtime keeps the current request's headers here (what @vercel/functions' getVercelOidcToken reads).
  const context = globalThis[Symbol.for('@vercel/request-context')]?.get?.()
  const fromContext = headerOf(context?.headers)
  if (fromContext) return fromContext
  const fromEnv = globalThis.process?.env?.VERCEL_OIDC_TOKEN
  if (fromEnv) return fromEnv
  throw new EdgepgError('EINVAL', 'no Vercel OIDC token: enable OIDC federation in the project\'s settings (Security), '
    + 'pass the request, or run `vercel env pull` for local development')
}
