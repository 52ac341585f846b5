export { sampleIcao24 as icaoOf, sampleTrack as makeTrack } from '../runtime/contract/sample.ts';
