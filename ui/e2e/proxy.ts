import { createServer, type Server, Socket } from 'node:net';

/**
 * A TCP proxy between the browser and the edge that a test can cut (every connection dropped,
 * new ones refused at once) and restore, and point at another port (an edge restarted elsewhere).
 * Loopback only.
 */
export interface CuttableProxy {
  url: string;
  port: number;
  cut(): void;
  restore(): void;
  retarget(port: number): void;
  close(): Promise<void>;
}

export async function startProxy(targetPort: number, port = 0): Promise<CuttableProxy> {
  let target = targetPort;
  let open = true;
  const live = new Set<Socket>();
  const server: Server = createServer((client) => {
    if (!open) return client.destroy();
    const upstream = new Socket();
    live.add(client);
    live.add(upstream);
    const drop = () => {
      client.destroy();
      upstream.destroy();
      live.delete(client);
      live.delete(upstream);
    };
    client.on('error', drop).on('close', drop);
    upstream.on('error', drop).on('close', drop);
    upstream.connect(target, '127.0.0.1', () => {
      client.pipe(upstream);
      upstream.pipe(client);
    });
  });
  await new Promise<void>((res) => server.listen(port, '127.0.0.1', res));
  const p = (server.address() as { port: number }).port;
  const dropAll = () => {
    for (const s of live) s.destroy();
    live.clear();
  };
  return {
    url: `http://127.0.0.1:${p}`,
    port: p,
    cut: () => {
      open = false;
      dropAll();
    },
    restore: () => {
      open = true;
    },
    retarget: (port2) => {
      target = port2;
    },
    close: async () => {
      dropAll();
      await new Promise<void>((res) => server.close(() => res()));
    },
  };
}
