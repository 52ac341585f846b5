import WebSocket from 'ws';
import { CompactMirror, FlightMirror } from './mirror.ts';

type Frame = { type: string; seq?: number; [k: string]: unknown };

/** A real WebSocket client for the edge tests: keeps every frame and a mirror of the flights. */
export class TestClient {
  readonly frames: Frame[] = [];
  /** A compact mirror when the URL asks for `encoding=compact` (it decodes rows back to Tracks). */
  readonly mirror: FlightMirror | CompactMirror;
  closeCode: number | null = null;
  /** The subscription group key the test expects this client in ('world' or 'w,s,e,n'). */
  key = 'world';
  private waiters: (() => void)[] = [];

  private constructor(
    readonly ws: WebSocket,
    private readonly keepFrames: boolean,
    compact: boolean,
  ) {
    this.mirror = compact ? new CompactMirror() : new FlightMirror();
    ws.on('message', (data) => {
      const frame = JSON.parse(String(data)) as Frame;
      if (this.keepFrames) this.frames.push(frame);
      this.mirror.apply(frame);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closeCode = code;
      this.wake();
    });
  }

  static connect(
    url: string,
    headers: Record<string, string> = {},
    opts = { keepFrames: true },
  ): Promise<TestClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { headers });
      const client = new TestClient(ws, opts.keepFrames, /[?&]encoding=compact(&|$)/.test(url));
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  send(msg: unknown): void {
    this.ws.send(typeof msg === 'string' ? msg : JSON.stringify(msg));
  }

  /** Waits until `pred` holds (checked on every frame and on close). */
  async until(pred: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!pred()) {
      const left = deadline - Date.now();
      if (left <= 0)
        throw new Error(
          `timed out waiting for ${what}; last frames: ${JSON.stringify(this.frames.slice(-3)).slice(0, 500)}`,
        );
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, Math.min(left, 200));
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  last(type: string): Frame | undefined {
    for (let i = this.frames.length - 1; i >= 0; i--) if (this.frames[i].type === type) return this.frames[i];
    return undefined;
  }

  close(): void {
    this.ws.close();
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }
}
