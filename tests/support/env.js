// What a JS test needs to reach the services: the shared ones of scripts/with-services.js, or its own.
import { after } from 'node:test'
import { WebSocket } from 'ws'
import { ROLES, startServices, stopServices } from './services.js'

let services = null

export async function getServices() {
  if (services) return services
  if (process.env.EDGEPG_TEST_SERVICES) {
    services = JSON.parse(process.env.EDGEPG_TEST_SERVICES)
  } else {
    services = await startServices()
    after(() => stopServices(services))
  }
  return services
}

// Connection options for a role (see ROLES) through the WebSocket proxy.
export function clientConfig(svc, role = 'scram', extra = {}) {
  const r = ROLES[role]
  return {
    host: '127.0.0.1',
    port: svc.pgPort,
    user: r.user,
    password: r.password,
    database: 'edgepg_test',
    webSocketUrl: `ws://127.0.0.1:${svc.wsPort}/v1?address=127.0.0.1:${svc.pgPort}`,
    webSocketConstructor: WebSocket,
    ...extra,
  }
}

export { ROLES }
