// Builders of deciders' input states for specs and property tests: a submission with the figures a
// test cares about, the rest fixed.
import type { Submission } from '../../src/applications/application.js';
import { Money } from '../../src/shared/money.js';

export function aSubmission(overrides: Partial<Submission> & { claimed?: string } = {}): Submission {
  const { claimed, ...rest } = overrides;
  return {
    applicationId: 'a-1',
    programmeId: 'baoding-data-voucher',
    programmeVersion: 1,
    uscc: 'U',
    fiscalYear: 2025,
    matterKey: null,
    level: null,
    approvalRef: null,
    items: [],
    claimedTotal: Money.of(claimed ?? '500000.00'),
    ...rest,
  };
}

export const reviewedBy = (lastReviewer = 'reviewer-1') => ({ recognized: null, stagesPassed: [], lastReviewer });
