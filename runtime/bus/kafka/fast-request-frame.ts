/**
 * kafkajs 2.2.4's protocol/request.js (size prefix + request header + payload) in one allocation,
 * or none: the original copies the payload into a zeroed Encoder, then that into another zeroed
 * Encoder for the size prefix (two ~1 MiB zero-fills and copies per produce request). A payload
 * made with room in front (the fast produce request) gets its header written there; others are
 * copied once. Same bytes (fast-request-frame.test.ts).
 */
import { encoderOver, type KafkaEncoder } from './kafkajs-internals.ts';

/** Bytes the fast produce request leaves in front of its payload for size + header + client id. */
export const FRAME_HEADROOM = 128;

/** Payload encoder -> the buffer it sits at the end of, FRAME_HEADROOM bytes after its start. */
const headroomOf = new WeakMap<KafkaEncoder, Buffer>();

/** Marks `payload` (a view FRAME_HEADROOM bytes into `whole`) as framable in place. */
export function withHeadroom(payload: KafkaEncoder, whole: Buffer): KafkaEncoder {
  headroomOf.set(payload, whole);
  return payload;
}

export interface FrameArgs {
  correlationId: number;
  clientId: string | null;
  request: { apiKey: number; apiVersion: number; encode(): Promise<KafkaEncoder> };
}

export async function frameRequest({
  correlationId,
  clientId,
  request: { apiKey, apiVersion, encode },
}: FrameArgs): Promise<KafkaEncoder> {
  const encoded = await encode();
  const payload = encoded.buffer;
  const idLength = clientId == null ? -1 : Buffer.byteLength(clientId, 'utf8');
  const head = 4 + 2 + 2 + 4 + 2 + Math.max(idLength, 0);
  const whole = headroomOf.get(encoded);
  let out: Buffer;
  if (whole && head <= FRAME_HEADROOM && payload.length === whole.length - FRAME_HEADROOM) {
    out = whole.subarray(FRAME_HEADROOM - head);
  } else {
    out = Buffer.allocUnsafe(head + payload.length);
    payload.copy(out, head);
  }
  out.writeInt32BE(head - 4 + payload.length, 0);
  out.writeInt16BE(apiKey, 4);
  out.writeInt16BE(apiVersion, 6);
  out.writeInt32BE(correlationId, 8);
  out.writeInt16BE(idLength, 12);
  if (idLength > 0) out.write(clientId!, 14, idLength, 'utf8');
  return encoderOver(out);
}
