// Stream names: each is a consistency boundary (see docs/consistency.md for which invariant each guards).
// Only use cases and read-side lookups name streams; deciders never do.
import { hash } from 'node:crypto';

export const streams = {
  programme: (programmeId: string) => `programme-${programmeId}`,
  calendar: () => 'calendar-cn',
  /** Invariant 1: Σ net awards committed in a programme-year ≤ its budget. */
  budget: (programmeId: string, year: number) => `budget-${programmeId}-${year}`,
  enterprise: (uscc: string) => `enterprise-${uscc}`,
  /** Invariant 2 and the cumulative 数智券 rule: one enterprise's recognized spend and awards in a programme-year. */
  enterpriseYear: (programmeId: string, uscc: string, year: number) => `enterprise-year-${programmeId}-${uscc}-${year}`,
  /** Invariant 2, per project: one enterprise's recognized spend and awards in a project (R&D: its 立项 reference; Wuhan: its matter). The key is hashed: a reference is free text. */
  project: (programmeId: string, uscc: string, projectKey: string) => `project-${programmeId}-${uscc}-${hash('sha256', projectKey, 'hex').slice(0, 32)}`,
  /** Invoices back one award only: one stream per invoice identity (`invoiceIdentity`: the 20-digit number, or code-number). */
  invoice: (identity: string) => `invoice-${identity}`,
  /** 就高不重复 across programmes. */
  matter: (uscc: string, matterKey: string) => `matter-${uscc}-${matterKey}`,
  application: (applicationId: string) => `application-${applicationId}`,
  notice: (noticeId: string) => `notice-${noticeId}`,
  /** A recorded collective decision (immutable once recorded). */
  decision: (decisionId: string) => `decision-${decisionId}`,
  /** One record per body's minutes reference. Hashed: both are free text. */
  decisionReference: (body: string, reference: string) => `decision-reference-${hash('sha256', JSON.stringify([body, reference]), 'hex').slice(0, 32)}`,
  disbursement: (disbursementId: string) => `disbursement-${disbursementId}`,
  clawback: (clawbackId: string) => `clawback-${clawbackId}`,
  paymentReference: (paymentRef: string) => `payment-ref-${paymentRef}`,
  command: (commandId: string) => `command-${commandId}`,
  /** Revocations of users' tokens (the authentication reads it; no invariant of the ledger's). */
  tokenRevocations: () => 'token-revocations',
} as const;
