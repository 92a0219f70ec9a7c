// The events of the stream that indexes a clawback (a clawback id → its application). Orders,
// receipts and write-offs are on the application's stream.
import type { EventOf } from '../shared/event.js';

export interface ClawbackIndexEvents {
  ClawbackIndexed: { clawbackId: string; applicationId: string };
}

export type ClawbackIndexEvent = EventOf<ClawbackIndexEvents>;
