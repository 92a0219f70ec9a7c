// Builders of events for tests: fixed metadata, fresh ids, so that tests say only what matters.
import { randomUUID } from 'node:crypto';
import type { EventMetadata, JsonObject, NewEvent, StoredEvent } from '../../src/event-store/event-store.js';

export const testMetadata: EventMetadata = {
  actorId: 'u-finance-1',
  actorRole: 'finance',
  commandId: 'c-0001',
  correlationId: 'c-0001',
  causationId: null,
  recordedAt: '2025-06-01T02:00:00.000Z',
};

export function anEvent(type = 'TestRecorded', data: JsonObject = {}, overrides: Partial<NewEvent> = {}): NewEvent {
  return { id: randomUUID(), type, schemaVersion: 1, data, metadata: testMetadata, ...overrides };
}

export function someEvents(count: number, type = 'TestRecorded'): NewEvent[] {
  return Array.from({ length: count }, (_, index) => anEvent(type, { index }));
}

export async function collect<T>(iterable: AsyncIterable<T>, countMax = Number.POSITIVE_INFINITY): Promise<T[]> {
  const items: T[] = [];
  for await (const item of iterable) {
    items.push(item);
    if (items.length >= countMax) break;
  }
  return items;
}

/** What a writer sent, without what the store added: to compare stored events with the ones appended. */
export function asWritten(event: StoredEvent): NewEvent {
  return { id: event.id, type: event.type, schemaVersion: event.schemaVersion, data: event.data, metadata: event.metadata };
}
