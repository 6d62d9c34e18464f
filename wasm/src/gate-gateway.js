// identityGate's gateway mode: the edge holds no database secret at all. Each request's bearer token is the
// password of its own connection to edgepg-gateway, which verifies the token, logs in AS the mapped role and makes
// the claims readable (edgepg.claims(), request.jwt.claims); the edge reads back who it is. The gateway's refusals
// (SQLSTATE 28000 with the cause code first: "ERR_JWT_EXPIRED: ...") become the same errors local verification
// gives, so handle() answers 401/403 alike.
import { Client } from './client.js'
import { EdgepgError } from './errors.js'

const CAUSE = /^(ERR_[A-Z0-9_]+): ?(.*)$/s

// The gateway's refusal as the error identityGate maps to an HTTP answer; anything else unchanged.
function fromRefusal(e) {
  if (e instanceof EdgepgError && e.code === '28000') {
    const m = CAUSE.exec(e.message)
    if (m) return new EdgepgError(m[1], m[2])
  }
  return e
}

// options.gateway: the Client options of the gateway (webSocketUrl, host, port, database, user, ...): never a
// password, which is the request's token. A connection per request: tokens differ, so connections are not shared.
export function gatewayConnector(gateway) {
  if (!gateway || typeof gateway !== 'object' || !gateway.webSocketUrl) {
    throw new EdgepgError('EINVAL', 'identityGate gateway mode needs gateway.webSocketUrl (the edgepg-gateway address)')
  }
  if ('password' in gateway) {
    throw new EdgepgError('EINVAL', "identityGate gateway mode takes no password: the request's token is the password")
  }
  return async function open(token) {
    const client = new Client({ ...gateway, password: token ?? '', requireAuth: 'password' })
    client.release = () => client.end().catch(() => {}) // what identityGate's finish() calls: the connection ends
    try {
      await client.connect()
    } catch (e) {
      throw fromRefusal(e)
    }
    try {
      const r = await client.query(
        "select current_user as role, coalesce(nullif(current_setting('request.jwt.claims', true), ''), '{}') as claims")
      return { client, role: r.rows[0].role, claims: JSON.parse(r.rows[0].claims) }
    } catch (e) {
      await client.end().catch(() => {})
      throw e
    }
  }
}
