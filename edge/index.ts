export { COMPACT_ENCODING, CompactDecodeError, CompactDecoder } from '../runtime/contract/compact.ts';
export { AnomalyLog } from './anomaly-log.ts';
export { TrackBoard } from './board.ts';
export { edgeOptionsFromConfig } from './config.ts';
export { Fanout } from './fanout.ts';
export { CompactMirror, FlightMirror } from './mirror.ts';
export { type Edge, type EdgeHistory, type EdgeLogger, type EdgeOptions, startEdge } from './server.ts';
export { isNativeUws, loadUws, UwsNotNativeError } from './uws.ts';
