// azureAccessToken: a workload's OIDC token (AKS workload identity's AZURE_FEDERATED_TOKEN_FILE, Vercel, GitHub
// Actions, ...) sent to Microsoft Entra ID as a federated client assertion (client-credentials grant). The result is
// a password provider: Azure Database for PostgreSQL takes the Entra token (scope
// https://ossrdbms-aad.database.windows.net/.default) as the password. Cached until expiry minus the refresh window,
// single flight; refusals are ECREDENTIALS with the AADSTS code as detail.
import { loadCore } from './core.js'
import { EdgepgError } from './errors.js'
import { answerError, clockOf, providerOptions, resolveToken, send } from './keyless-fetch.js'
import { TokenCache } from './token-cache.js'

const WHO = 'azureAccessToken'

// options: { tenantId, clientId, token, scope?, authorityHost? (or endpoint), fetch?, now?, timeout?,
//            refreshWindow?, cache? }
export function azureAccessToken(options) {
  const o = options ?? {}
  for (const k of ['tenantId', 'clientId']) {
    if (typeof o[k] !== 'string' || o[k] === '') throw new EdgepgError('EINVAL', `${WHO} needs ${k}`)
  }
  if (o.token === undefined) throw new EdgepgError('EINVAL', `${WHO} needs token: a string or a function giving the OIDC token`)
  const clock = clockOf(o)
  const io = providerOptions(o)
  const authority = o.authorityHost ?? o.endpoint ?? ''
  const cache = o.cache ?? new TokenCache({ clock, refreshWindow: o.refreshWindow ?? 5 * 60_000, skew: 10_000 })
  const key = `azure:${o.tenantId}:${o.clientId}:${o.scope ?? ''}`

  const exchange = async () => {
    const token = await resolveToken(o.token, WHO)
    const core = await loadCore()
    const req = core.azureTokenRequest(o.tenantId, o.clientId, token, o.scope ?? '', authority)
    const res = await send(req, { ...io, service: 'Microsoft Entra ID token endpoint' })
    const r = core.parseAzureToken(res.status, res.body, clock() / 1000)
    if (r.code !== 0) throw answerError(r)
    return { value: r.accessToken, expiresAt: r.expiresAt * 1000 }
  }

  return () => cache.get(key, exchange)
}
