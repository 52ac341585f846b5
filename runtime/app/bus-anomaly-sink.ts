import type { Bus, PublishRecord } from '../bus/bus.ts';
import type { AnomalyEvent } from '../contract/anomaly.ts';
import type { AnomalySink } from '../contract/ports.ts';

/**
 * Publishes AnomalyEvents to flights.anomalies keyed by icao24. Events emitted in the same turn of
 * the event loop go out in one publish call. durable() resolves once every event emitted before it
 * is acknowledged by the bus, so the pipeline commits offsets only after that.
 */
export class BusAnomalySink implements AnomalySink {
  private buffer: PublishRecord[] = [];
  private scheduled = false;
  private readonly inFlight = new Set<Promise<void>>();
  private failure: unknown = null;

  constructor(
    private readonly bus: Bus,
    private readonly topic: string,
  ) {}

  emit(event: AnomalyEvent): void {
    this.buffer.push({ key: event.icao24, value: JSON.stringify(event) });
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.scheduled = false;
    if (this.buffer.length === 0) return;
    const records = this.buffer;
    this.buffer = [];
    const p: Promise<void> = this.bus.publish(this.topic, records).then(
      () => {
        this.inFlight.delete(p);
      },
      (e: unknown) => {
        this.inFlight.delete(p);
        this.failure ??= e;
      },
    );
    this.inFlight.add(p);
  }

  async durable(): Promise<void> {
    this.flush();
    await Promise.all([...this.inFlight]);
    if (this.failure !== null) throw this.failure;
  }
}

/** Hands each event to every sink; durable once all are. */
export function fanoutAnomalySink(sinks: AnomalySink[]): AnomalySink {
  return {
    emit(event) {
      for (const s of sinks) s.emit(event);
    },
    async durable() {
      await Promise.all(sinks.map((s) => s.durable()));
    },
  };
}
