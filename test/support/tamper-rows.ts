// An events row as a tamperer sees it (SQLite and PostgreSQL alike), and how a careful forger hashes it.
import { computeEventHash, type HashInput } from '../../src/event-store/hash-chain.js';

export interface EventRowForTampering {
  position: number | string;
  id: string;
  stream: string;
  revision: number | string;
  type: string;
  schema_version: number;
  data: string;
  actor_id: string;
  actor_role: string;
  command_id: string;
  correlation_id: string;
  causation_id: string | null;
  recorded_at: string;
  prev_hash: string;
  hash: string;
  /** The commit's MAC through this event: a forger without the key can only copy one, or leave it out. */
  mac: string | null;
}

/** What a row's hash is over, chained to `prevHash`. */
export function hashInputOf(row: EventRowForTampering, prevHash: string = row.prev_hash): HashInput {
  return {
    prevHash,
    stream: row.stream,
    revision: BigInt(row.revision),
    id: row.id,
    type: row.type,
    schemaVersion: row.schema_version,
    dataJson: row.data,
    metadata: {
      actorId: row.actor_id,
      actorRole: row.actor_role,
      commandId: row.command_id,
      correlationId: row.correlation_id,
      causationId: row.causation_id,
      recordedAt: row.recorded_at,
    },
  };
}

export function forgedHashOf(row: EventRowForTampering, prevHash: string): string {
  return computeEventHash(hashInputOf(row, prevHash));
}
