export * from './anomaly.ts';
export * from './dlq.ts';
export * from './envelope.ts';
export * from './ports.ts';
export * from './protocol.ts';
export * from './topics.ts';
export * from './track.ts';
export * from './validate.ts';
