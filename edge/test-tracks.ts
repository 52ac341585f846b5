export { sampleTrack as makeTrack } from '../runtime/contract/sample.ts';

export const icaoOf = (n: number): string => (0xa00000 + n).toString(16);
