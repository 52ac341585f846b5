import WebSocket from 'ws';
import { FlightMirror } from '../mirror.ts';

/**
 * A normal, reading client that counts what it gets: delta frames with their arrival times,
 * seq gaps (via the mirror), snapshots and error frames. `window()` gives the delta rate and
 * gaps between two instants, so a test can measure while something hostile runs.
 */
export class DeltaWatch {
  readonly mirror = new FlightMirror();
  readonly deltaArrivalsMs: number[] = [];
  /** The largest delta frame received, in bytes. */
  maxDeltaBytes = 0;
  snapshots = 0;
  errors: string[] = [];
  closeCode: number | null = null;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = String(data);
      const frame = JSON.parse(text) as { type: string; seq?: number; message?: string };
      if (frame.type === 'delta') {
        this.deltaArrivalsMs.push(Date.now());
        this.maxDeltaBytes = Math.max(this.maxDeltaBytes, Buffer.byteLength(text));
      } else if (frame.type === 'snapshot') this.snapshots++;
      else if (frame.type === 'error') this.errors.push(String(frame.message));
      this.mirror.apply(frame);
    });
    ws.on('close', (code) => {
      this.closeCode = code;
    });
  }

  static connect(url: string): Promise<DeltaWatch> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url);
      const w = new DeltaWatch(ws);
      ws.once('open', () => resolve(w));
      ws.once('error', reject);
    });
  }

  /** Waits until the first snapshot arrived. */
  async ready(timeoutMs = 15_000): Promise<void> {
    const until = Date.now() + timeoutMs;
    while (this.mirror.seq === null) {
      if (Date.now() > until) throw new Error('no snapshot');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Deltas per second over [fromMs, toMs] and the longest silence between two deltas. */
  window(fromMs: number, toMs: number): { perS: number; count: number; maxGapMs: number } {
    const inside = this.deltaArrivalsMs.filter((t) => t >= fromMs && t <= toMs);
    let maxGapMs = 0;
    for (let i = 1; i < inside.length; i++) maxGapMs = Math.max(maxGapMs, inside[i]! - inside[i - 1]!);
    return { perS: inside.length / ((toMs - fromMs) / 1000), count: inside.length, maxGapMs };
  }

  close(): void {
    this.ws.close();
  }
}
