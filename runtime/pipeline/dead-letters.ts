import type { Bus } from '../bus/bus.ts';

/** Most bytes of DLQ records per publish: well under Kafka's default max.message.bytes (1 MB). */
const DLQ_PUBLISH_MAX_BYTES = 512 * 1024;

/**
 * Publishes serialised DLQ records to `topic`, in order. Kafka refuses a record batch over
 * max.message.bytes (1 MB by default) and one publish is one batch per partition, so the records
 * (raw cut to 64 KiB chars, up to ~400 KB as JSON) go out in slices under DLQ_PUBLISH_MAX_BYTES.
 * Used by the ingest pipeline (invalid messages) and the history sink (refused rows).
 */
export async function publishDeadLetters(bus: Bus, topic: string, values: readonly string[]): Promise<void> {
  let slice: string[] = [];
  let bytes = 0;
  for (const value of values) {
    const size = Buffer.byteLength(value);
    if (slice.length > 0 && bytes + size > DLQ_PUBLISH_MAX_BYTES) {
      await bus.publish(
        topic,
        slice.map((v) => ({ key: null, value: v })),
      );
      slice = [];
      bytes = 0;
    }
    slice.push(value);
    bytes += size;
  }
  if (slice.length > 0) {
    await bus.publish(
      topic,
      slice.map((v) => ({ key: null, value: v })),
    );
  }
}
