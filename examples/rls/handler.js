// An edge handler behind the identity gate: GET returns the caller's visible notes, POST adds one.
// Works unchanged in a Next.js edge route, a Cloudflare Worker or Node (Request/Response are the web standard).
import { identityGate } from 'edgepg'

export function makeNotesHandler(options) {
  const gate = identityGate({
    roleClaim: 'role', // where the role sits in the token: a dotted path, or (claims) => role
    allowedRoles: ['app_user', 'app_admin'],
    anonymousRole: 'anon',
    ...options, // connection options, jwks | jwksUrl | secret, issuer, audience, algorithms
  })
  async function handler(request) {
    return gate.handle(request, async (db, claims) => {
      if (request.method === 'POST') {
        const { body } = await request.json()
        const { rows } = await db.query('insert into notes (owner, body) values ($1, $2) returning id', [claims.sub, body])
        return Response.json({ id: rows[0].id }, { status: 201 })
      }
      const { rows } = await db.query('select id, owner, body, current_user as as_role from notes order by id')
      return Response.json({ notes: rows })
    })
  }
  handler.gate = gate
  return handler
}
