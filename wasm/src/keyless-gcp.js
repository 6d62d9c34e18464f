// gcpAccessToken: a workload's OIDC token exchanged at Google's STS (workload identity federation), then, with
// serviceAccount, for that service account's access token (IAM Credentials generateAccessToken). The result is a
// password provider: Cloud SQL IAM database authentication takes the access token (scope sqlservice.login) as the
// password. Cached until expiry minus the refresh window, single flight; refusals are ECREDENTIALS with the service's
// error code as detail.
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'
import { answerError, clockOf, providerOptions, resolveToken, send } from './keyless-fetch.js'
import { TokenCache } from './token-cache.js'

const WHO = 'gcpAccessToken'
const CLOUD_PLATFORM = 'https://www.googleapis.com/auth/cloud-platform'

// options: { audience, token, serviceAccount?, scopes?, lifetimeSeconds?, endpoints?: { sts, iamCredentials },
//            fetch?, now?, timeout?, refreshWindow?, cache? }
export function gcpAccessToken(options) {
  const o = options ?? {}
  if (typeof o.audience !== 'string' || o.audience === '') {
    throw new EdgepgError('EINVAL', `${WHO} needs audience: //iam.googleapis.com/projects/<number>/locations/global/workloadIdentityPools/<pool>/providers/<provider>`)
  }
  if (o.token === undefined) throw new EdgepgError('EINVAL', `${WHO} needs token: a string or a function giving the OIDC token`)
  const scopes = o.scopes ?? []
  if (!Array.isArray(scopes) || scopes.some((s) => typeof s !== 'string' || s === '' || s.includes('\n'))) {
    throw new EdgepgError('EINVAL', `${WHO}: scopes must be an array of scope URLs`)
  }
  const clock = clockOf(o)
  const io = providerOptions(o)
  const endpoints = o.endpoints ?? {}
  const cache = o.cache ?? new TokenCache({ clock, refreshWindow: o.refreshWindow ?? 5 * 60_000, skew: 10_000 })
  const key = `gcp:${o.audience}:${o.serviceAccount ?? ''}:${scopes.join(' ')}`

  const exchange = async () => {
    const token = await resolveToken(o.token, WHO)
    const core = await loadCore()
    // With impersonation the federated token only has to call IAM Credentials: cloud-platform.
    const stsScopes = o.serviceAccount ? [CLOUD_PLATFORM] : scopes
    const stsReq = core.gcpStsRequest(o.audience, token, stsScopes.join('\n'), endpoints.sts ?? '')
    const stsRes = await send(stsReq, { ...io, service: 'Google STS token exchange' })
    const sts = core.parseGcpSts(stsRes.status, stsRes.body, clock() / 1000)
    if (sts.code !== 0) throw answerError(sts)
    if (!o.serviceAccount) return { value: sts.accessToken, expiresAt: sts.expiresAt * 1000 }

    const req = core.gcpImpersonationRequest(o.serviceAccount, scopes.join('\n'), Number(o.lifetimeSeconds ?? 3600),
      endpoints.iamCredentials ?? '', sts.accessToken)
    const res = await send(req, { ...io, service: 'Google IAM Credentials generateAccessToken' })
    const r = core.parseGcpImpersonation(res.status, res.body, clock() / 1000)
    if (r.code !== 0) throw answerError(r)
    return { value: r.accessToken, expiresAt: r.expiresAt * 1000 }
  }

  return () => cache.get(key, exchange)
}
