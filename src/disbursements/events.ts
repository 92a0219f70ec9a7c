// The events of the streams that index disbursements (a disbursement id → its application) and keep
// each payment reference to one payment. The payments themselves are on the application's stream.
import type { EventOf } from '../shared/event.js';

export interface DisbursementIndexEvents {
  DisbursementIndexed: { disbursementId: string; applicationId: string };
}

export type DisbursementIndexEvent = EventOf<DisbursementIndexEvents>;

export interface PaymentReferenceEvents {
  PaymentReferenceUsed: { paymentRef: string; applicationId: string; disbursementId: string };
}

export type PaymentReferenceEvent = EventOf<PaymentReferenceEvents>;
