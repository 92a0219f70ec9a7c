// Every event the ledger writes, by its permanent type string: the union of each stream kind's
// events. Readers parse stored events into these types through `upcasting.ts`.
import type { ApplicationEvents, InvoiceEvents } from '../applications/events.js';
import type { EnterpriseYearEvents, MatterEvents, ProjectEvents } from '../awards/events.js';
import type { BudgetEvents } from '../budgets/events.js';
import type { ClawbackIndexEvents } from '../clawbacks/events.js';
import type { DisbursementIndexEvents, PaymentReferenceEvents } from '../disbursements/events.js';
import type { EnterpriseEvents } from '../enterprises/events.js';
import type { NoticeEvents } from '../notices/events.js';
import type { DecisionEvents, DecisionReferenceEvents } from '../decisions/events.js';
import type { CalendarEvents, ProgrammeEvents } from '../programmes/events.js';
import type { EventOf, Recorded } from '../shared/event.js';

export interface CommandEvents {
  /** A command's idempotency record: its type, the hash of its request and the result it answered. */
  CommandProcessed: { commandType: string; requestHash: string; result: { [key: string]: unknown } };
}

export interface AuthEvents {
  /**
   * An administrator revoked every token of a user issued before an instant (a lost laptop, a
   * departure): recorded in the log like any decision, so that every process serving the store
   * refuses those tokens, and the audit trail shows who revoked them and why.
   */
  TokensRevoked: { userId: string; issuedBefore: string; reason: string };
}

export interface LedgerEvents
  extends
    ProgrammeEvents,
    CalendarEvents,
    BudgetEvents,
    EnterpriseEvents,
    EnterpriseYearEvents,
    ProjectEvents,
    MatterEvents,
    ApplicationEvents,
    InvoiceEvents,
    NoticeEvents,
    DecisionEvents,
    DecisionReferenceEvents,
    DisbursementIndexEvents,
    PaymentReferenceEvents,
    ClawbackIndexEvents,
    CommandEvents,
    AuthEvents {}

export type EventType = keyof LedgerEvents;
export type LedgerEvent = EventOf<LedgerEvents>;
/** An event as read back and upcast to its current shape, typed by its `type`. */
export type ReadEvent = Recorded<LedgerEvent>;
