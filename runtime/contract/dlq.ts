/** What goes to flights.dlq (contract section 2): the rejected raw message and why. */
export interface DlqRecord {
  topic: string;
  partition: number | null;
  offset: string | null;
  reason: string;
  /** The raw message as text, cut to 64 KiB so a hostile message cannot blow up the DLQ. */
  raw: string;
}

export const DLQ_RAW_MAX_CHARS = 64 * 1024;

export function dlqRecord(
  topic: string,
  partition: number | null,
  offset: string | null,
  reason: string,
  raw: string | Uint8Array | null,
): DlqRecord {
  const text = raw === null ? '' : typeof raw === 'string' ? raw : Buffer.from(raw).toString('utf8');
  return {
    topic,
    partition,
    offset,
    reason,
    raw: text.length > DLQ_RAW_MAX_CHARS ? text.slice(0, DLQ_RAW_MAX_CHARS) : text,
  };
}
