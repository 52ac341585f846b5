/**
 * N WebSocket clients that never read, in their own process: raw TCP sockets that send the
 * upgrade request, check the 101 answer, then stop reading for good, so the kernel buffers fill
 * and the server is left holding whatever it keeps trying to send. Driven over IPC:
 *   {cmd: 'open', url, count} -> {opened, failed, firstError}
 *   {cmd: 'status'} -> {open, closedByServer}
 * Nothing here ever reads past the handshake answer.
 */
import { randomBytes } from 'node:crypto';
import { connect, type Socket } from 'node:net';

const sockets: Socket[] = [];
let closedByServer = 0;
let shuttingDown = false;

/** Opens one socket and resolves once the 101 arrived (then pauses it forever). */
function openStalled(host: string, port: number, path: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host, port });
    let head = '';
    const timer = setTimeout(() => {
      s.destroy();
      reject(new Error('handshake timed out'));
    }, 15_000);
    s.once('connect', () => {
      s.write(
        `GET ${path} HTTP/1.1\r\nHost: ${host}:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
          `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
      );
    });
    const onData = (chunk: Buffer) => {
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n')) return;
      // Stop reading right after the handshake: whatever else arrived stays unread in this buffer.
      s.off('data', onData);
      s.pause();
      clearTimeout(timer);
      if (!head.startsWith('HTTP/1.1 101')) {
        s.destroy();
        reject(new Error(`no upgrade: ${head.split('\r\n')[0]}`));
        return;
      }
      s.once('close', () => {
        if (!shuttingDown) closedByServer++;
      });
      resolve(s);
    };
    s.on('data', onData);
    s.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

process.on('message', async (m: { cmd: string; url?: string; count?: number }) => {
  if (m.cmd === 'open') {
    const u = new URL(m.url as string);
    let opened = 0;
    let failed = 0;
    let firstError = '';
    // In batches of 50 so the listen backlog never overflows on a loaded machine.
    for (let i = 0; i < (m.count ?? 0); i += 50) {
      const batch = Math.min(50, (m.count ?? 0) - i);
      const results = await Promise.allSettled(
        Array.from({ length: batch }, () => openStalled(u.hostname, Number(u.port), u.pathname + u.search)),
      );
      for (const r of results) {
        if (r.status === 'fulfilled') {
          sockets.push(r.value);
          r.value.on('error', () => {}); // a reset from the server is expected, not a crash here
          opened++;
        } else {
          failed++;
          firstError ||= String(r.reason);
        }
      }
    }
    process.send?.({ opened, failed, firstError });
  } else if (m.cmd === 'status') {
    process.send?.({ open: sockets.filter((s) => !s.destroyed).length, closedByServer });
  }
});
process.on('disconnect', () => {
  shuttingDown = true;
  for (const s of sockets) s.destroy();
  process.exit(0);
});
process.send?.({ ready: true });
