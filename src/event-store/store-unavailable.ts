// A store that cannot be reached: an operating error (503), not a rule's refusal. Kept beside the port
// so that readers of a PostgreSQL database other than the store's adapter (a read side) can raise it.
import { LedgerError } from '../shared/errors.js';

export class PostgresUnavailableError extends LedgerError {
  readonly code = 'STORE_UNAVAILABLE' as const;

  constructor(reason: string) {
    super(`the PostgreSQL store is unavailable: ${reason}`, { reason });
  }
}
