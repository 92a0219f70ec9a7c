// Invoice uniqueness (`invoice-once`, `invoice-identity`) against a plain reference model: for any
// sequence of submissions and withdrawals over a few enterprises, codes and numbers, a submission is
// accepted exactly when none of its invoices (20-digit number, or code with 8-digit number) backs a
// live application, and each identity then backs at most one live application.
import fc from 'fast-check';
import { applicationStream, evolveInvoice, invoiceStream, type InvoiceHolder, type LiveApplication } from '../../src/applications/application.js';
import { decideSubmit, decideWithdraw, type SubmittedItem } from '../../src/applications/decide.js';
import type { InvoiceEvent } from '../../src/applications/events.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { DomainError } from '../../src/shared/errors.js';
import { invoiceIdentity } from '../../src/shared/identifiers.js';
import { Money } from '../../src/shared/money.js';
import { on } from '../support/decider-spec.js';
import { aRegisteredEnterprise } from '../support/states.js';

const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
const enterprise = aRegisteredEnterprise('baoding');

/** A small pool, so that identities repeat: two 全电发票 numbers, and two codes × two 8-digit numbers. */
const invoiceArbitrary = fc.oneof(
  fc.constantFrom('25132000000000000001', '25132000000000000002').map((invoiceNumber) => ({ invoiceNumber, invoiceCode: null })),
  fc.record({ invoiceCode: fc.constantFrom('1300251130', '130025113012'), invoiceNumber: fc.constantFrom('00012345', '00067890') }),
);

type Step = { kind: 'submit'; uscc: string; invoices: { invoiceNumber: string; invoiceCode: string | null }[] } | { kind: 'withdraw'; pick: number };

const stepArbitrary: fc.Arbitrary<Step> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({ kind: fc.constant('submit' as const), uscc: fc.constantFrom('U1', 'U2'), invoices: fc.array(invoiceArbitrary, { minLength: 1, maxLength: 3 }) }),
  },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat() }) },
);

describe('invoice identity (property)', () => {
  it('accepts a submission exactly when no invoice of it backs a live application, by code and number or by 20-digit number', () => {
    fc.assert(
      fc.property(fc.array(stepArbitrary, { maxLength: 30 }), (steps) => {
        // The reference model, keyed on its own (code or none, and number): which live application each invoice backs.
        const model = new Map<string, string>();
        const modelKey = (i: { invoiceNumber: string; invoiceCode: string | null }) => `${i.invoiceCode ?? 'none'}/${i.invoiceNumber}`;
        const streamOf = new Map<string, string>();
        // The system: the invoice streams, folded from what the deciders wrote, and the live applications.
        const streams = new Map<string, InvoiceHolder>();
        const live = new Map<string, LiveApplication>();
        const fold = (byInvoice: Readonly<Record<string, readonly InvoiceEvent[]>>) => {
          for (const [identity, events] of Object.entries(byInvoice)) {
            for (const event of events) {
              streams.set(identity, evolveInvoice(streams.get(identity) ?? invoiceStream.initial, { ...event, actorId: 'reviewer-1', recordedAt: '2025-06-03T02:00:00.000Z' }));
            }
          }
        };
        steps.forEach((step, n) => {
          if (step.kind === 'withdraw') {
            const ids = [...live.keys()];
            if (ids.length === 0) return;
            const id = ids[step.pick % ids.length]!;
            const decided = decideWithdraw(
              { type: 'WithdrawApplication', data: { applicationId: id, reason: 'withdrawn' }, metadata: on('2025-06-03', 'reviewer-1') },
              { application: live.get(id)! },
            );
            fold(decided.invoices);
            live.delete(id);
            for (const [identity, holder] of [...model]) if (holder === id) model.delete(identity);
            return;
          }
          const applicationId = `a-${n}`;
          const keys = step.invoices.map(modelKey);
          const expected = new Set(keys).size === keys.length && keys.every((key) => !model.has(key));
          const identities = step.invoices.map((i) => invoiceIdentity(i.invoiceNumber, i.invoiceCode));
          step.invoices.forEach((i, k) => streamOf.set(identities[k]!, modelKey(i)));
          const items: SubmittedItem[] = step.invoices.map((i) => ({ ...i, invoiceDate: '2025-05-20', amount: Money.of('1000.00'), category: 'compute-rental' }));
          const invoices = new Map(identities.map((identity) => [identity, streams.get(identity) ?? invoiceStream.initial]));
          let accepted = true;
          try {
            const decided = decideSubmit(
              {
                type: 'SubmitApplication',
                data: { applicationId, programmeId: voucher.id, uscc: step.uscc, fiscalYear: 2025, matterKey: null, level: null, approvalRef: null, items, recognition: null },
                metadata: on('2025-06-03', 'reviewer-1'),
              },
              { programme: voucher, enterprise, invoices },
            );
            fold(decided.invoices);
            const application = applicationStream.evolve(applicationStream.initial, { ...decided.application[0], actorId: 'reviewer-1', recordedAt: '2025-06-03T02:00:00.000Z' });
            live.set(applicationId, application as LiveApplication);
          } catch (error) {
            if (!(error instanceof DomainError) || error.code !== 'DUPLICATE_INVOICE') throw error;
            accepted = false;
          }
          expect({ step: n, accepted }).toEqual({ step: n, accepted: expected });
          if (accepted) for (const key of keys) model.set(key, applicationId);
        });
        // Each identity's stream names the application the model has it backing, and no other.
        for (const [identity, holder] of streams) {
          expect({ identity, holder: holder.status === 'claimed' ? holder.applicationId : null }).toEqual({ identity, holder: model.get(streamOf.get(identity)!) ?? null });
        }
      }),
      { numRuns: 300 },
    );
  });
});
