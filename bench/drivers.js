// The three drivers under test, each behind the same tiny interface: connect(), query(text, values), end().
// edgepg and @neondatabase/serverless go through the same websockify; pg goes over plain TCP.
import { WebSocket } from 'ws'
import pg from 'pg'
import { Client as NeonClient, neonConfig } from '@neondatabase/serverless'
import { Client as EdgeClient } from 'edgepg'
import { ROLES } from '../tests/support/services.js'

export function drivers(svc) {
  const role = ROLES.scram
  const base = { host: '127.0.0.1', port: svc.pgPort, user: role.user, password: role.password, database: 'edgepg_test' }
  neonConfig.webSocketConstructor = WebSocket
  neonConfig.wsProxy = (host, port) => `127.0.0.1:${svc.wsPort}/v1?address=${host}:${port}`
  neonConfig.useSecureWebSocket = false
  neonConfig.pipelineConnect = false
  neonConfig.pipelineTLS = false
  return {
    edgepg: () => new EdgeClient({ ...base, webSocketUrl: `ws://127.0.0.1:${svc.wsPort}/v1?address=127.0.0.1:${svc.pgPort}`, webSocketConstructor: WebSocket }),
    neon: () => new NeonClient(base),
    pg: () => new pg.Client(base),
  }
}
