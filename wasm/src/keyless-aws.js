// awsWebIdentityCredentials: a workload's OIDC token (Vercel, Kubernetes, GitHub Actions, any IdP) exchanged at AWS
// STS (AssumeRoleWithWebIdentity) for a role's temporary credentials, so no AWS key is stored anywhere. The wasm core
// builds the request and reads the XML answer; fetch sends it. The result is a credentials provider that
// rdsAuthToken / rdsIamPassword take: credentials are cached until their Expiration minus the refresh window,
// concurrent callers share one exchange, and a refused exchange is an EdgepgError ECREDENTIALS whose detail is the
// STS error code (InvalidIdentityToken, AccessDenied, ...).
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'
import { answerError, clockOf, providerOptions, resolveToken, send } from './keyless-fetch.js'
import { TokenCache } from './token-cache.js'

const WHO = 'awsWebIdentityCredentials'

// options: { roleArn, token, region, sessionName?, durationSeconds?, endpoint?, fetch?, now?, timeout?,
//            refreshWindow?, cache? }
export function awsWebIdentityCredentials(options) {
  const o = options ?? {}
  for (const k of ['roleArn', 'region']) {
    if (typeof o[k] !== 'string' || o[k] === '') throw new EdgepgError('EINVAL', `${WHO} needs ${k}`)
  }
  if (o.token === undefined) throw new EdgepgError('EINVAL', `${WHO} needs token: a string or a function giving the OIDC token`)
  const clock = clockOf(o)
  const io = providerOptions(o)
  const sessionName = o.sessionName ?? 'edgepg'
  const cache = o.cache ?? new TokenCache({ clock, refreshWindow: o.refreshWindow ?? 5 * 60_000, skew: 10_000 })
  const key = `aws-web-identity:${o.roleArn}:${o.region}:${sessionName}`

  const exchange = async () => {
    const token = await resolveToken(o.token, WHO)
    const core = await loadCore()
    const req = core.awsWebIdentityRequest(o.roleArn, sessionName, token, o.region, Number(o.durationSeconds ?? 0),
      o.endpoint ?? '')
    const res = await send(req, { ...io, service: 'AWS STS AssumeRoleWithWebIdentity' })
    const r = core.parseAwsWebIdentity(res.status, res.body, clock() / 1000)
    if (r.code !== 0) throw answerError(r)
    const expiresAt = r.expiration * 1000
    const value = JSON.stringify({ accessKeyId: r.accessKeyId, secretAccessKey: r.secretAccessKey,
      sessionToken: r.sessionToken, expiration: expiresAt })
    return { value, expiresAt }
  }

  return async () => {
    const c = JSON.parse(await cache.get(key, exchange))
    return { accessKeyId: c.accessKeyId, secretAccessKey: c.secretAccessKey, sessionToken: c.sessionToken,
      expiration: new Date(c.expiration) }
  }
}
