// The disbursement index and payment-reference streams as states: which application a disbursement
// belongs to, and which application a payment reference was used for.
import { applicationIndexKind, type ApplicationIndex } from '../applications/application.js';
import type { DisbursementIndexEvent, PaymentReferenceEvent } from './events.js';

export type Indexed = ApplicationIndex;

export const disbursementIndexStream = applicationIndexKind<DisbursementIndexEvent>('disbursement', 'DisbursementIndexed');

export const paymentReferenceStream = applicationIndexKind<PaymentReferenceEvent>('payment-reference', 'PaymentReferenceUsed');
