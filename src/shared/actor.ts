// Who runs a command, and what comes with every command from outside: the idempotency key, the actor
// and the time it was received. Decisions read no clock: `now` arrives here.
export const roles = ['admin', 'reviewer', 'approver', 'finance', 'auditor', 'supervisor'] as const;
export type Role = (typeof roles)[number];

export interface Actor {
  readonly id: string;
  readonly roles: readonly Role[];
}

export interface CommandContext {
  readonly commandId: string;
  readonly actor: Actor;
  /** ISO-8601 instant the command was received. */
  readonly now: string;
  readonly correlationId?: string;
  readonly causationId?: string;
}
