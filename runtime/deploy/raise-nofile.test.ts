import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseOpenFilesLimit, readOpenFilesLimit } from '../../edge/fd-limit.ts';

const SCRIPT = fileURLToPath(new URL('./raise-nofile.sh', import.meta.url));

/** The limits of a process started as `npm start` and the image start the service, from a lower soft limit. */
function limitsThroughScript(soft: number) {
  const out = execFileSync(
    '/bin/sh',
    ['-c', `ulimit -Sn ${soft} && exec /bin/sh "$0" cat /proc/self/limits`, SCRIPT],
    { encoding: 'utf8' },
  );
  return parseOpenFilesLimit(out);
}

describe('runtime/deploy/raise-nofile.sh', () => {
  it('raises the open-file soft limit to the hard limit, then runs the command', () => {
    const own = readOpenFilesLimit();
    expect(own).not.toBeNull();
    const hard = own?.hard as number;
    const lowered = Math.min(256, hard);
    expect(limitsThroughScript(lowered)).toEqual({ soft: hard, hard });
  });

  it('passes the arguments through unchanged and keeps the exit code', () => {
    const out = execFileSync('/bin/sh', [SCRIPT, 'printf', '%s|', 'a b', '$x', ''], { encoding: 'utf8' });
    expect(out).toBe('a b|$x||');
    let code = 0;
    try {
      execFileSync('/bin/sh', [SCRIPT, 'sh', '-c', 'exit 7']);
    } catch (e) {
      code = (e as { status: number }).status;
    }
    expect(code).toBe(7);
  });
});
