// Applications of the benchmarks that approve: each of its own enterprise, submitted to Wuhan's data
// product programme for 2025 with one invoice of 10,000.00 and passed through every review stage.
const dist = new URL('../../dist/', import.meta.url);
const { usccCheckCharacter } = await import(new URL('shared/identifiers.js', dist).href);

/**
 * Reviewed applications numbered `first`…`first + count − 1`: enterprise n's USCC and invoice number are
 * made from `usccBase + n` and `invoiceBase + n`, so that benchmarks sharing a store keep apart.
 */
export async function reviewedApplications(ledger, { first, count, usccBase, invoiceBase, context }) {
  const ids = [];
  for (let n = first; n < first + count; n += 1) {
    const first17 = `91420100${String(usccBase + n).padStart(9, '0')}`;
    const uscc = first17 + usccCheckCharacter(first17);
    await ledger.dispatch('RegisterEnterprise', context('admin', 'admin'), { params: {}, body: { uscc, name: `压测${usccBase + n}`, city: 'wuhan' } });
    const { applicationId } = await ledger.dispatch('SubmitApplication', context('reviewer', 'reviewer'), {
      params: {},
      body: {
        programmeId: 'wuhan-data-product',
        uscc,
        fiscalYear: 2025,
        items: [{ invoiceNumber: String(invoiceBase + n), invoiceCode: '4200251130', invoiceDate: '2025-06-01', amount: '10000.00' }],
      },
    });
    for (const stage of ['district-preliminary', 'city-re-review', 'expert-review'])
      await ledger.dispatch('ReviewApplication', context('reviewer', 'reviewer'), { params: { applicationId }, body: { stage, outcome: 'pass' } });
    ids.push(applicationId);
  }
  return ids;
}
