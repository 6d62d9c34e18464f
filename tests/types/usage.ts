// A typed use of the whole public API, checked by `tsc --noEmit` (tests/js/edge-types.test.js) against the
// packed package's declarations. Nothing here runs; @ts-expect-error lines prove the types are not too loose.
import {
  Client,
  EdgepgError,
  Pool,
  PostgresInterval,
  neon,
  verifyJwt,
  JwtVerifier,
  identityGate,
  TokenCache,
  rdsAuthToken,
  rdsIamPassword,
  awsWebIdentityCredentials,
  gcpAccessToken,
  azureAccessToken,
  vercelOidcToken,
} from 'edgepg'
import type { FieldDef, PoolClient, QueryResult, Sql } from 'edgepg'

declare const WS: new (url: string) => WebSocket
declare const env: { DATABASE_URL: string; EDGEPG_WS_URL: string }

export async function clientUsage(): Promise<number> {
  const client = new Client({
    connectionString: env.DATABASE_URL,
    webSocketUrl: (host, port) => `wss://proxy.example.com/v1?address=${host}:${port}`,
    webSocketConstructor: WS,
    connectionTimeoutMillis: 5000,
    query_timeout: 1000,
    int8: 'bigint',
    types: { 1700: Number },
    password: async () => 'from a provider',
  })
  client.on('notice', (n) => console.log(n.message, n.code))
  client.on('notification', (m) => console.log(m.channel, m.payload, m.processId))
  await client.connect()
  await client.connect({ signal: AbortSignal.timeout(1000) })
  const r = await client.query<{ n: number; name: string }>('select $1::int as n, $2::text as name', [1, 'x'])
  const n: number = r.rows[0].n
  const fields: FieldDef[] = r.fields
  const count: number | null = r.rowCount
  const arrays = await client.query<[number, string]>({ text: 'select 1, $1::text', values: ['a'], rowMode: 'array' })
  const first: number = arrays.rows[0][0]
  await client.query({ name: 'by-id', text: 'select $1::int as n', values: [1] })
  const again = await client.query<{ n: number }>({ name: 'by-id', values: [2] })
  const bytes = await client.query('select $1::bytea as b', [new Uint8Array([1, 2])])
  console.log(again.rows[0].n, bytes.rowCount)
  client.query('select 1', (err, result) => console.log(err?.message, result.rows))
  const total = await client.transaction(async (tx) => (await tx.query<{ c: number }>('select 1 as c')).rows[0].c, {
    isolationLevel: 'serializable',
    readOnly: true,
  })
  client.setTypeParser(1700, (text) => Number(text))
  const status: string = client.transactionStatus
  const version: string | undefined = client.parameters.server_version
  await client.end()
  // @ts-expect-error int8 is 'string' | 'number' | 'bigint'
  new Client({ int8: 'float' })
  // @ts-expect-error webSocketUrl is a string or a function
  new Client({ webSocketUrl: 42 })
  return n + first + total + fields.length + (count ?? 0) + status.length + (version?.length ?? 0)
}

export async function poolUsage(): Promise<void> {
  const pool = new Pool({ connectionString: env.DATABASE_URL, webSocketUrl: env.EDGEPG_WS_URL, max: 5, idleTimeoutMillis: 1000 })
  pool.on('error', (err, client) => console.log(err.code, client.processID))
  const result: QueryResult = await pool.query('select now()')
  const client: PoolClient = await pool.connect()
  try {
    await client.query('select 1')
  } finally {
    client.release()
  }
  await pool.transaction(async (tx) => tx.query('select 1'))
  console.log(result.rows, pool.totalCount, pool.idleCount, pool.waitingCount)
  await pool.end()
}

export async function neonUsage(): Promise<void> {
  const sql = neon(env.DATABASE_URL, { webSocketUrl: env.EDGEPG_WS_URL })
  const id = 7
  const rows = await sql`select * from t where id = ${id} ${sql.unsafe('order by id')}`
  const name: unknown = rows[0].name
  const viaQuery = await sql.query('select $1::int as n', [1])
  const [a, b] = await sql.transaction([sql`select 1`, sql`select 2`], { isolationLevel: 'read committed' })
  const full = neon(env.DATABASE_URL, { fullResults: true, arrayMode: true })
  const result = await full`select 1`
  const cell: unknown = result.rows[0][0]
  const typed: Sql = sql
  console.log(name, viaQuery, a, b, cell, typed, sql`select 1`.toParameterizedQuery().query)
  await sql.end()
}

export function errorsAndValues(e: unknown): string {
  if (e instanceof EdgepgError) {
    const code: string = e.code
    return code + (e.detail ?? '') + (e.constraint ?? '')
  }
  const interval = new PostgresInterval()
  interval.days = 1
  return interval.toPostgres() + interval.toISO()
}

// ---- identity and credentials ----------------------------------------------------------------------------------
export async function identityUsage(request: Request): Promise<Response> {
  const claims = await verifyJwt<{ sub: string; role: string }>('a.b.c', {
    jwksUrl: 'https://issuer.example.com/.well-known/jwks.json',
    algorithms: ['RS256'],
    issuer: 'https://issuer.example.com/',
    audience: 'edgepg',
    clockTolerance: '30s',
  })
  const sub: string = claims.sub
  const verifier = new JwtVerifier({ secret: 'shh', algorithms: ['HS256'] })
  await verifier.verify('a.b.c')
  verifier.invalidateSubject(sub)

  const cache = new TokenCache({ refreshWindow: 60_000 })
  const token: string = await cache.get('k', async () => ({ value: 'v', expiresAt: Date.now() + 60_000, tags: ['t'] }))
  cache.invalidateTag('t')

  const iamToken: string = await rdsAuthToken({
    hostname: 'db.example.rds.amazonaws.com',
    username: 'app',
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIA...', secretAccessKey: '...' },
  })
  const pool = new Pool({
    host: 'db.example.rds.amazonaws.com',
    user: 'app',
    password: rdsIamPassword({
      hostname: 'db.example.rds.amazonaws.com',
      username: 'app',
      region: 'eu-west-1',
      credentials: async () => ({ accessKeyId: 'AKIA...', secretAccessKey: '...', sessionToken: '...' }),
    }),
  })

  // Keyless: the workload's OIDC token for cloud credentials, then the database token.
  const keyless = new Pool({
    host: 'db.example.rds.amazonaws.com',
    user: 'app',
    requireAuth: 'password',
    password: rdsIamPassword({
      hostname: 'db.example.rds.amazonaws.com',
      username: 'app',
      region: 'eu-west-1',
      credentials: awsWebIdentityCredentials({
        roleArn: 'arn:aws:iam::123456789012:role/app',
        region: 'eu-west-1',
        token: () => vercelOidcToken(request),
        durationSeconds: 900,
      }),
    }),
  })
  const cloudSql = new Pool({ password: gcpAccessToken({ audience: '//iam.googleapis.com/projects/1/locations/global/workloadIdentityPools/p/providers/v', token: async () => 'jwt', serviceAccount: 'db@p.iam.gserviceaccount.com' }), requireAuth: 'password' })
  const entra = new Pool({ password: azureAccessToken({ tenantId: 't', clientId: 'c', token: 'jwt', now: () => Date.now() }), requireAuth: 'password' })
  // @ts-expect-error roleArn is required
  awsWebIdentityCredentials({ region: 'eu-west-1', token: 'jwt' })
  const creds = await awsWebIdentityCredentials({ roleArn: 'r', region: 'us-east-1', token: 'jwt' })()
  const expires: Date = creds.expiration
  console.log(keyless, cloudSql, entra, expires)

  const gate = identityGate({
    jwksUrl: 'https://issuer.example.com/.well-known/jwks.json',
    algorithms: ['RS256'],
    allowedRoles: ['app_user', 'app_admin'],
    roleClaim: 'app_metadata.role',
    anonymousRole: 'anon',
    pool,
  })
  console.log(token, iamToken)
  // Gateway mode: no keys, no password at the edge.
  const viaGateway = identityGate({ gateway: { webSocketUrl: 'wss://gateway.example/v1', database: 'app', user: 'app_user' } })
  console.log(viaGateway.pool)
  gate.invalidateSubject('user-1', Date.now())
  gate.refreshRole('user-1')
  const secure = new Client({ connectionString: 'postgres://u@db/app?sslmode=require', requireAuth: ['scram-sha-256'], channelBinding: 'prefer', scramMaxIterations: 10000 })
  const resetting = new Pool({ max: 2, resetOnRelease: true })
  console.log(secure, resetting)
  return gate.handle(request, async (db, c, role) => {
    const { rows } = await db.query('select $1::text as role, $2::text as sub', [role, c.sub])
    await db.transaction(async (tx) => tx.query('select 1'))
    return Response.json(rows)
  })
}
