import { createServer, type Server, type Socket } from 'node:net';

/**
 * A scripted SBS-1 receiver for tests: a real TCP server on 127.0.0.1 that writes what the test
 * says to every connected client, drops clients, and stops and restarts listening on the same
 * port (a receiver restart).
 */
export class TestSbsReceiver {
  private server: Server | null = null;
  private readonly sockets = new Set<Socket>();
  /** Connections accepted so far. */
  accepted = 0;

  private constructor(public port: number) {}

  static async start(port = 0): Promise<TestSbsReceiver> {
    const r = new TestSbsReceiver(port);
    await r.listen();
    return r;
  }

  async listen(): Promise<void> {
    const server = createServer((s) => {
      this.accepted++;
      this.sockets.add(s);
      s.on('close', () => this.sockets.delete(s));
      s.on('error', () => {});
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.port, '127.0.0.1', () => resolve());
    });
    this.port = (server.address() as { port: number }).port;
    this.server = server;
  }

  get clients(): number {
    return this.sockets.size;
  }

  /** Writes raw text (lines with their breaks, or garbage) to every client. */
  write(text: string): void {
    for (const s of this.sockets) s.write(text);
  }

  send(lines: readonly string[]): void {
    if (lines.length > 0) this.write(`${lines.join('\r\n')}\r\n`);
  }

  /** Closes every client connection (the receiver drops its feed), still listening. */
  dropClients(): void {
    for (const s of this.sockets) s.destroy();
  }

  /** Stops listening and drops every client (the receiver went away). */
  async stop(): Promise<void> {
    this.dropClients();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}
