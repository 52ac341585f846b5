import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { FlightEnvelope } from '../contract/envelope.ts';
import { REPO_ROOT } from '../testing/cli-process.ts';
import { replayFile } from './replay.ts';

describe('replayFile', () => {
  it('skips a line over 64 KiB with a clear reason and replays the lines around it', async () => {
    const good = readFileSync(join(REPO_ROOT, 'fixtures/opensky_nyc_sample.jsonl'), 'utf8')
      .split('\n')
      .slice(0, 3);
    const long = `{"v":1,"icao24":"abcdef","callsign":"${'Y'.repeat(300_000)}"}`;
    const file = join(mkdtempSync(join(tmpdir(), 'replay-long-')), 'long.jsonl');
    writeFileSync(file, [good[0], long, good[1], good[2]].join('\n'));
    const published: FlightEnvelope[] = [];
    const invalid: Array<[number, string]> = [];
    const result = await replayFile({
      file,
      speed: 1e9,
      loop: false,
      publisher: {
        publish: async (b) => {
          published.push(...b);
        },
        published: 0,
        logTotal: () => {},
      },
      onInvalid: (lineNo, reason) => invalid.push([lineNo, reason]),
      sleep: async () => {},
    });
    expect(invalid).toEqual([[2, `line_too_long: ${long.length} bytes (at most 65536)`]]);
    expect(result).toMatchObject({ published: 3, invalid: 1 });
    expect(published.map((e) => e.icao24)).toEqual(good.map((l) => JSON.parse(l).icao24));
  });
});
