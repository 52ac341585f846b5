import { describe, expect, it } from 'vitest';
import { startEdge } from './server.ts';
import { TestClient } from './test-client.ts';

describe('edge shutdown', () => {
  it('closes every WebSocket with 1001 (going away) and stops listening', async () => {
    const edge = await startEdge({ port: 0, autoTick: false, staleAfterS: 60 });
    const url = `ws://127.0.0.1:${edge.port}/ws/flights`;
    const clients = [await TestClient.connect(url), await TestClient.connect(url)];
    for (const c of clients) await c.until(() => c.last('snapshot') !== undefined, 'snapshot');
    await edge.close();
    for (const c of clients) await c.until(() => c.closeCode !== null, 'close');
    expect(clients.map((c) => c.closeCode)).toEqual([1001, 1001]);
    await expect(fetch(`${edge.url}/healthz`)).rejects.toThrow();
  });
});
