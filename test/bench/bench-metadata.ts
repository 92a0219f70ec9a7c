// The metadata of the events the store benchmarks append: one finance user's command, at a fixed time.
import type { EventMetadata } from '../../src/event-store/event-store.js';

export const benchMetadata: EventMetadata = {
  actorId: 'u-finance-1',
  actorRole: 'finance',
  commandId: 'c-1',
  correlationId: 'c-1',
  causationId: null,
  recordedAt: '2025-06-01T02:00:00.000Z',
};
