/**
 * Public API of the per-aircraft logic. The bus consumer (runtime/pipeline) builds one router per
 * process and feeds it validated envelopes; outputs go to the ports it was given.
 */
export { AircraftCore } from './aircraft.ts';
export { AirportIndex, type AirportRef } from './airports.ts';
export { DETECTOR_DEFAULTS, type DetectorOptions, detectorOptions } from './defaults.ts';
export { memoryPorts } from './memory-ports.ts';
export { GATE, GATE_RESULT, type GateCode } from './order-gate.ts';
export {
  createFlightRouter,
  type DispatchOptions,
  type FlightRouter,
  type FlightRouterConfig,
  type FlightRouterPorts,
} from './router.ts';
