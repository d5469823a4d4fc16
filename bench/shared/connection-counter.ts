/**
 * A listener that counts TCP connections and closes each at once: where a harness must prove nothing
 * connected (an SSRF target, a `jku` URL, an upload's URI). One port, free on every address in `hosts`.
 */
import net from 'node:net';

export interface ConnectionCounter {
  port: number;
  connections(): number;
  close(): Promise<void>;
}

export async function connectionCounter(
  hosts: readonly string[] = ['127.0.0.1'],
): Promise<ConnectionCounter> {
  let connections = 0;
  const count = (socket: net.Socket) => {
    connections++;
    socket.destroy();
  };
  const listen = (server: net.Server, port: number, host: string) =>
    new Promise<boolean>((resolve) => {
      server.once('error', () => resolve(false));
      server.listen(port, host, () => resolve(true));
    });
  const close = (server: net.Server) => new Promise((resolve) => server.close(resolve));
  for (let attempt = 0; attempt < 10; attempt++) {
    const first = net.createServer(count);
    await listen(first, 0, hosts[0]!);
    const port = (first.address() as net.AddressInfo).port;
    const servers = [first];
    for (const host of hosts.slice(1)) {
      const server = net.createServer(count);
      if (await listen(server, port, host)) servers.push(server);
    }
    if (servers.length < hosts.length) {
      await Promise.all(servers.map(close));
      continue;
    }
    return {
      port,
      connections: () => connections,
      close: async () => void (await Promise.all(servers.map(close))),
    };
  }
  throw new Error(`bench: no port free on all of ${hosts.join(', ')}`);
}
