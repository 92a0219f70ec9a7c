// The disbursement index and payment-reference streams as states: which application a disbursement
// belongs to, and which application a payment reference was used for.
import { assertNever } from '../shared/assert.js';
import type { Recorded } from '../shared/event.js';
import type { StreamKind } from '../shared/stream-kind.js';
import type { DisbursementIndexEvent, PaymentReferenceEvent } from './events.js';

export type Indexed = { readonly status: 'none' } | { readonly status: 'indexed'; readonly applicationId: string };

export const disbursementIndexStream: StreamKind<Indexed, DisbursementIndexEvent> = {
  name: 'disbursement',
  types: ['DisbursementIndexed'],
  initial: { status: 'none' },
  evolve: (_state, event) => {
    switch (event.type) {
      case 'DisbursementIndexed':
        return { status: 'indexed', applicationId: event.data.applicationId };
      default:
        return assertNever(event.type, 'unknown event in a disbursement index');
    }
  },
  lastEventSuffices: true,
};

export function evolvePaymentReference(_state: Indexed, event: Recorded<PaymentReferenceEvent>): Indexed {
  switch (event.type) {
    case 'PaymentReferenceUsed':
      return { status: 'indexed', applicationId: event.data.applicationId };
    default:
      return assertNever(event.type, 'unknown event in a payment-reference stream');
  }
}

export const paymentReferenceStream: StreamKind<Indexed, PaymentReferenceEvent> = {
  name: 'payment-reference',
  types: ['PaymentReferenceUsed'],
  initial: { status: 'none' },
  evolve: evolvePaymentReference,
  lastEventSuffices: true,
};
