/**
 * A TCP proxy on a free loopback port in front of a real server, to cut one client off from it (a partition
 * that only this client sees): `partition()` resets every connection through it and refuses new ones until
 * `heal()`. Used for Redis: point one cache system (or one app instance) at the proxy, the others at Redis.
 *
 * ```ts
 * const proxy = await startTcpProxy(redis.port);
 * proxy.port; proxy.partition(); proxy.heal(); await proxy.close();
 * ```
 */
import net from 'node:net';

export interface TcpProxyHandle {
  host: string;
  port: number;
  /** Resets every open connection and refuses new ones. */
  partition(): void;
  /** Accepts and forwards connections again. */
  heal(): void;
  close(): Promise<void>;
}

export async function startTcpProxy(targetPort: number, targetHost = '127.0.0.1'): Promise<TcpProxyHandle> {
  const sockets = new Set<net.Socket>();
  let cut = false;
  const track = (s: net.Socket) => {
    sockets.add(s);
    s.once('close', () => sockets.delete(s));
  };
  const server = net.createServer((client) => {
    if (cut) {
      client.resetAndDestroy();
      return;
    }
    const upstream = net.connect({ port: targetPort, host: targetHost });
    track(client);
    track(upstream);
    client.pipe(upstream);
    upstream.pipe(client);
    const end = () => {
      client.destroy();
      upstream.destroy();
    };
    client.once('error', end);
    upstream.once('error', end);
    client.once('close', end);
    upstream.once('close', end);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const address = server.address();
  if (typeof address !== 'object' || address === null) throw new Error('proxy has no address');
  return {
    host: '127.0.0.1',
    port: address.port,
    partition() {
      cut = true;
      for (const s of sockets) s.resetAndDestroy();
    },
    heal() {
      cut = false;
    },
    close() {
      cut = true;
      for (const s of sockets) s.destroy();
      return new Promise((resolve) => server.close(() => resolve()));
    },
  };
}
