import { expect } from 'vitest';
import type { KafkaBus } from '../bus/kafka/kafka-bus.ts';
import { createTestDatabase, type TestDatabase } from '../db/test-db.ts';
import type { CliProcess } from '../testing/cli-process.ts';
import { expectedAnomalyIds, type FixtureExpectations, fixtureExpectations } from './fixture.ts';
import {
  type AnomalyCheck,
  type AnomalyRow,
  anomalyRows,
  checkAnomalies,
  checkHistory,
  createTopicsSettled,
  type HistoryCheck,
  type Names,
  type ProcessorSpec,
  startProcessorCli,
  testBus,
  uniqueNames,
} from './harness.ts';
import type { FaultFigures } from './report.ts';

/**
 * One fault test's world: the fixture's expectations, a database, topics and a group of its own,
 * the test's bus, and every processor it starts (all stopped by close()).
 */
export interface FaultWorld {
  x: FixtureExpectations;
  db: TestDatabase;
  names: Names;
  bus: KafkaBus;
  /** `skysentinel process` against this world (edge on httpPort); stopped by close(). */
  startProcessor(httpPort: number, env?: Record<string, string>): CliProcess;
  close(): Promise<void>;
}

/** `databaseUrl`: the server to create the test database on (default DATABASE_URL). */
export async function openFaultWorld(o: {
  label: string;
  brokers: string;
  databaseUrl?: string;
}): Promise<FaultWorld> {
  const x = await fixtureExpectations();
  const db = await createTestDatabase(`rel_${o.label}`, o.databaseUrl);
  const names = uniqueNames(o.label);
  const bus = testBus(o.brokers);
  const procs: CliProcess[] = [];
  try {
    await createTopicsSettled(bus, names);
  } catch (e) {
    await bus.close().catch(() => {});
    await db.drop().catch(() => {});
    throw e;
  }
  return {
    x,
    db,
    names,
    bus,
    startProcessor(httpPort, env) {
      const spec: ProcessorSpec = { brokers: o.brokers, databaseUrl: db.url, names, httpPort, env };
      const p = startProcessorCli(spec);
      procs.push(p);
      return p;
    },
    async close() {
      for (const p of procs) await p.stop(5_000).catch(() => {});
      await bus.close().catch(() => {});
      await db.drop().catch(() => {});
    },
  };
}

export interface ExactOutcome {
  history: HistoryCheck;
  anomalies: AnomalyCheck;
  rows: AnomalyRow[];
  expectedIds: string[];
}

/**
 * Nothing lost, nothing duplicated: flights_history holds every accepted update of the fixture
 * exactly once (shifted by the replay's `shiftMs`) and nothing else; the anomalies table holds
 * exactly the ids the actors give the fixture offline.
 */
export async function expectExactOutcome(w: FaultWorld, shiftMs: number): Promise<ExactOutcome> {
  const history = await checkHistory(w.db.url, w.x, shiftMs);
  expect(history).toEqual({ rows: w.x.accepted, duplicateKeys: 0, missing: 0, unexpected: 0 });
  const expectedIds = expectedAnomalyIds(w.x, shiftMs);
  const rows = await anomalyRows(w.db.url);
  const anomalies = checkAnomalies(rows, expectedIds);
  expect(anomalies).toEqual({
    expected: expectedIds.length,
    found: expectedIds.length,
    missing: [],
    unexpected: [],
  });
  return { history, anomalies, rows, expectedIds };
}

/** The docs/reliability.md row's outcome columns, from an exact outcome. */
export function outcomeFigures(
  w: FaultWorld,
  o: ExactOutcome,
): Pick<FaultFigures, 'accepted' | 'historyRows' | 'duplicates' | 'anomaliesExpected' | 'anomaliesFound'> {
  return {
    accepted: w.x.accepted,
    historyRows: o.history.rows,
    duplicates: o.history.duplicateKeys,
    anomaliesExpected: o.expectedIds.length,
    anomaliesFound: o.anomalies.found,
  };
}
