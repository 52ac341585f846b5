import { connect } from 'node:net';

export interface RawAnswer {
  /** HTTP status of the answer, or null when the server closed without one. */
  status: number | null;
  head: string;
  body: string;
  /** The connection was closed (by the server) before or after the answer. */
  closed: boolean;
  timedOut: boolean;
}

/**
 * Sends bytes exactly as given (a URL fetch() would refuse, a bad method, junk) and reads what
 * comes back until the server closes, the answer is complete, or the time runs out.
 */
export function rawRequest(port: number, request: string | Buffer, timeoutMs = 5000): Promise<RawAnswer> {
  return new Promise((resolve) => {
    const s = connect({ host: '127.0.0.1', port });
    let data = Buffer.alloc(0);
    let done = false;
    const finish = (closed: boolean, timedOut = false) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      s.destroy();
      const text = data.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      const head = split < 0 ? text : text.slice(0, split);
      const m = /^HTTP\/1\.[01] (\d{3})/.exec(head);
      resolve({
        status: m ? Number(m[1]) : null,
        head,
        body: split < 0 ? '' : text.slice(split + 4),
        closed,
        timedOut,
      });
    };
    const timer = setTimeout(() => finish(false, true), timeoutMs);
    s.on('connect', () => s.write(request));
    s.on('data', (chunk) => {
      data = Buffer.concat([data, chunk]);
      const text = data.toString('latin1');
      const split = text.indexOf('\r\n\r\n');
      if (split < 0) return;
      const len = /\r\ncontent-length: *(\d+)/i.exec(text.slice(0, split));
      if (len && data.length >= split + 4 + Number(len[1])) finish(false);
    });
    s.on('error', () => finish(true));
    s.on('close', () => finish(true));
  });
}

/** A GET with the usual headers. */
export const get = (port: number, target: string, extra = ''): Promise<RawAnswer> =>
  rawRequest(port, `GET ${target} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n${extra}\r\n`);
