// `npm run demo` tells the whole story; this runs it against the test services and checks what it printed.
import { test } from 'node:test'
import assert from 'node:assert/strict'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { getServices } from '../support/env.js'

test('the demo queries PostgreSQL over WebSocket and shows RLS by token', async () => {
  const svc = await getServices()
  const { _child, ...shared } = svc
  const { stdout } = await promisify(execFile)(process.execPath, ['examples/demo/demo.js'], {
    env: { ...process.env, EDGEPG_TEST_SERVICES: JSON.stringify(shared) },
    timeout: 60_000,
  })
  assert.match(stdout, /connected with SCRAM-SHA-256/)
  assert.match(stdout, /São Paulo/)
  assert.match(stdout, /alice \(role app_user\)\s+-> HTTP 200 .*alice's private note/)
  assert.doesNotMatch(stdout.split('\n').find((l) => l.startsWith('bob')), /alice/)
  assert.match(stdout, /no token \(anonymous\)\s+-> HTTP 200 .*public note \(as anon\)/)
  assert.match(stdout, /expired token\s+-> HTTP 401\s+ERR_JWT_EXPIRED/)
  assert.match(stdout, /role "postgres"\s+-> HTTP 403\s+ERR_JWT_ROLE_NOT_ALLOWED/)

  // Through edgepg-gateway: the role and edgepg.sub() the gateway decided, RLS by them, its audit lines beside.
  const viaGateway = stdout.slice(stdout.indexOf('== no secret at the edge'))
  assert.match(viaGateway, /alice \(role gw_user\)\s+-> HTTP 200\s+as gw_user, edgepg\.sub\(\) = alice, sees: alice's secret\n\s+audit: session_start sub=alice role=gw_user/)
  assert.match(viaGateway, /bob \(role gw_user\)\s+-> HTTP 200\s+as gw_user, edgepg\.sub\(\) = bob, sees: bob's secret\n/)
  assert.match(viaGateway, /no token .*-> HTTP 401 .*\n\s+audit: session_start sub=- role=gw_anon/)
  assert.match(viaGateway, /expired token\s+-> HTTP 401\s+ERR_JWT_EXPIRED.*\n\s+audit: auth_failed sub=- role=- reason=ERR_JWT_EXPIRED/)
  assert.match(viaGateway, /role "postgres"\s+-> HTTP 403\s+ERR_JWT_ROLE_NOT_ALLOWED.*\n\s+audit: auth_failed .*reason=ERR_JWT_ROLE_NOT_ALLOWED/)
})
