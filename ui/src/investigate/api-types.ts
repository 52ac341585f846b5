/** The wire shapes investigate/ reads (defined beside the contract, runtime/contract/investigate.ts). */
export type {
  EventDetail,
  PlaybackInfo,
  PlaybackStatus as PlaybackStatusFrame,
} from '../../../runtime/contract/investigate.ts';
