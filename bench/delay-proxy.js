// A TCP proxy on loopback that holds every chunk for `ms` milliseconds each way (Node's timers: a little over `ms`,
// in order), to put PostgreSQL at a network distance from the gateway where the kernel offers no netem.
import net from 'node:net'

export async function startDelayProxy(targetPort, ms) {
  const server = net.createServer((client) => {
    const upstream = net.connect(targetPort, '127.0.0.1')
    client.setNoDelay(true)
    upstream.setNoDelay(true)
    const pipe = (from, to) => {
      from.on('data', (d) => setTimeout(() => to.write(d), ms))
      from.on('close', () => setTimeout(() => to.destroy(), ms))
      from.on('error', () => {})
    }
    pipe(client, upstream)
    pipe(upstream, client)
  })
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { port: server.address().port, close: () => server.close() }
}
