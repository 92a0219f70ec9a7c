// Histories, read from the streams themselves: an application's stream is its history (with the
// objections to it, kept on its notice's stream); an enterprise's is its own stream (registration,
// flags) and its applications' submissions, awards, revocations and clawbacks. Nothing to project,
// nothing that can drift from the log.
import type { EventStore, StoredEvent } from '../event-store/event-store.js';
import { streams } from '../shared/streams.js';
import type { ReadSideQueries } from './queries.js';

export interface HistoryEntry {
  position: string;
  type: string;
  actorId: string;
  actorRole: string;
  recordedAt: string;
  reason: string | null;
}

/** Applications of one enterprise whose events its history shows, at most. */
export const enterpriseHistoryApplicationCountMax = 5_000;
const enterpriseEventsShown = new Set(['ApplicationSubmitted', 'AwardApproved', 'AwardRevoked', 'AwardReduced', 'ClawbackOrdered']);

function entryOf(event: StoredEvent): HistoryEntry {
  const reason = (event.data as { reason?: unknown }).reason;
  return {
    position: event.position.toString(),
    type: event.type,
    actorId: event.metadata.actorId,
    actorRole: event.metadata.actorRole,
    recordedAt: event.metadata.recordedAt,
    reason: typeof reason === 'string' ? reason : null,
  };
}

function byPosition(a: StoredEvent, b: StoredEvent): number {
  return a.position < b.position ? -1 : a.position > b.position ? 1 : 0;
}

/** Undefined when the application does not exist. */
export async function applicationHistory(store: EventStore, applicationId: string): Promise<HistoryEntry[] | undefined> {
  const own = await store.readStream(streams.application(applicationId));
  if (own.length === 0) return undefined;
  const objections: StoredEvent[] = [];
  for (const event of own.filter((e) => e.type === 'ApplicationNoticed')) {
    const notice = await store.readStream(streams.notice((event.data as { noticeId: string }).noticeId));
    objections.push(
      ...notice.filter((e) => (e.type === 'ObjectionFiled' || e.type === 'ObjectionResolved') && (e.data as { applicationId?: string }).applicationId === applicationId),
    );
  }
  return [...own, ...objections].sort(byPosition).map(entryOf);
}

/** Undefined when the enterprise is unknown: neither registered nor named by an application. */
export async function enterpriseHistory(store: EventStore, queries: ReadSideQueries, uscc: string): Promise<HistoryEntry[] | undefined> {
  const events = [...(await store.readStream(streams.enterprise(uscc)))];
  for (let offset = 0; offset < enterpriseHistoryApplicationCountMax; offset += 500) {
    const page = await queries.applications({ uscc }, { limit: 500, offset });
    for (const application of page) {
      events.push(...(await store.readStream(streams.application(application.applicationId))).filter((e) => enterpriseEventsShown.has(e.type)));
    }
    if (page.length < 500) break;
  }
  if (events.length === 0) return undefined;
  return events.sort(byPosition).map(entryOf);
}
