// Programmes through the API (SPEC §2, §7): an administrator publishes a programme and new versions of
// it, each in force from its day; readers see every version; recognition awards are applied for with
// the recognition, not invoices, once per platform and level.
import { callers, startTestApp, type TestApp } from '../support/http-app.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { usccFor } from '../support/world.js';

const secret = 'a-programmes-test-secret-that-is-long-enough';
const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
const { version: _version, ...voucherBody } = voucher;

describe('programmes over HTTP', () => {
  let started: TestApp;
  let now = new Date('2026-03-02T02:00:00.000Z');
  const as = callers(() => started.app, secret);

  beforeAll(async () => {
    started = await startTestApp({ secret, prefix: 'ledger-programmes-', clock: () => now });
  });

  afterAll(async () => {
    await started.close();
  });

  it('publishes a new programme at version 1, refuses it twice, and shows it to readers', async () => {
    const admin = await as('admin-1', 'admin');
    const pilot = { ...voucherBody, id: 'baoding-pilot-voucher', name: { zh: '试点券', en: 'Pilot voucher' } };
    const published = await admin.post('/api/programmes', { definition: pilot }).expect(201);
    expect(published.body).toMatchObject({ programmeId: 'baoding-pilot-voucher', version: 1, effectiveOn: '2025-02-17', position: expect.stringMatching(/^[0-9]+$/) });
    const again = await admin.post('/api/programmes', { definition: pilot }).expect(409);
    expect(again.body).toMatchObject({ code: 'ALREADY_EXISTS', programmeId: 'baoding-pilot-voucher' });

    const auditor = await as('auditor-1', 'auditor');
    const read = await auditor.get(`/api/programmes/baoding-pilot-voucher?minPosition=${published.body.position}`).expect(200);
    expect(read.body).toMatchObject({ id: 'baoding-pilot-voucher', version: 1, versionInForce: 1, versions: [{ version: 1, effectiveOn: '2025-02-17' }] });
  });

  it('refuses a definition out of shape with the field named, and a non-administrator, writing nothing', async () => {
    const admin = await as('admin-1', 'admin');
    const bad = await admin.post('/api/programmes', { definition: { ...voucherBody, id: 'baoding-bad', rule: { ...voucher.rule, rate: 0.3 } } }).expect(400);
    expect(bad.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'definition.rule.rate' });
    const notAnObject = await admin.post('/api/programmes', { definition: 'baoding' }).expect(400);
    expect(notAnObject.body).toMatchObject({ code: 'VALIDATION_FAILED' });
    const reviewer = await as('reviewer-1', 'reviewer');
    await reviewer.post('/api/programmes', { definition: { ...voucherBody, id: 'baoding-other' } }).expect(403);
    await (await as('auditor-1', 'auditor')).get('/api/programmes/baoding-bad').expect(404);
    await (await as('auditor-1', 'auditor')).get('/api/programmes/baoding-other').expect(404);
  });

  it('publishes the next version in force from a stated day; a day before today is RETROACTIVE_VERSION', async () => {
    const admin = await as('admin-1', 'admin');
    const lower = { ...voucherBody, rule: { ...voucher.rule, rate: '0.25' } };
    const retro = await admin.post(`/api/programmes/${voucher.id}/versions`, { effectiveOn: '2026-03-01', definition: lower }).expect(422);
    expect(retro.body).toMatchObject({ code: 'RETROACTIVE_VERSION', effectiveOn: '2026-03-01', earliest: '2026-03-02' });
    const wrongId = await admin.post(`/api/programmes/${voucher.id}/versions`, { effectiveOn: '2026-07-01', definition: { ...lower, id: 'wuhan-data-product' } }).expect(400);
    expect(wrongId.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'definition.id' });
    const { id: _id, ...withoutId } = lower;
    await admin.post('/api/programmes/no-such-programme/versions', { effectiveOn: '2026-07-01', definition: withoutId }).expect(404);

    const amended = await admin.post(`/api/programmes/${voucher.id}/versions`, { effectiveOn: '2026-07-01', definition: lower }).expect(201);
    expect(amended.body).toMatchObject({ programmeId: voucher.id, version: 2, effectiveOn: '2026-07-01' });
    const auditor = await as('auditor-1', 'auditor');
    const before = await auditor.get(`/api/programmes/${voucher.id}?minPosition=${amended.body.position}`).expect(200);
    expect(before.body).toMatchObject({
      versionInForce: 1,
      versions: [
        { version: 1, effectiveOn: '2025-02-17' },
        { version: 2, effectiveOn: '2026-07-01' },
      ],
    });
    expect(before.body.versions[1].definition.rule.rate).toBe('0.25');
    now = new Date('2026-07-01T02:00:00.000Z');
    expect((await auditor.get(`/api/programmes/${voucher.id}`).expect(200)).body.versionInForce).toBe(2);
  });

  it('takes a recognition award with its recognition and no invoices, refuses the same platform at a level it holds, and tops a higher level up', async () => {
    now = new Date('2025-06-03T02:00:00.000Z');
    const admin = await as('admin-1', 'admin');
    const reviewer = await as('reviewer-1', 'reviewer');
    const approver = await as('approver-1', 'approver');
    const uscc = usccFor(901);
    await admin.post('/api/enterprises', { uscc, name: '智算平台企业', city: 'baoding' }).expect(201);
    await admin.post('/api/programmes/baoding-innovation-platform/budgets', { year: 2025, amount: '10000000.00' }).expect(201);
    const body = (level: string, documentRef: string) => ({
      programmeId: 'baoding-innovation-platform',
      uscc,
      fiscalYear: 2025,
      level,
      matterKey: 'KL-smart-compute',
      recognition: { documentRef, issuer: '河北省科学技术厅', issuedOn: '2025-05-20' },
    });

    const withInvoices = await reviewer
      .post('/api/applications', {
        ...body('municipal', '保科认〔2025〕1号'),
        items: [{ invoiceNumber: '26030001', invoiceCode: '1300251130', invoiceDate: '2025-05-10', amount: '1.00' }],
      })
      .expect(400);
    expect(withInvoices.body).toMatchObject({ code: 'VALIDATION_FAILED', field: 'items' });

    const awarded = async (level: string, documentRef: string): Promise<string> => {
      const submitted = await reviewer.post('/api/applications', body(level, documentRef)).expect(201);
      const id = submitted.body.applicationId as string;
      for (const stage of ['district-preliminary', 'city-re-review', 'expert-review'])
        await reviewer.post(`/api/applications/${id}/reviews`, { stage, outcome: 'pass' }).expect(201);
      const notice = await approver.post('/api/notices', { programmeId: 'baoding-innovation-platform', applicationIds: [id], opensOn: now.toISOString().slice(0, 10) });
      expect(notice.body).toMatchObject({ endsOn: expect.any(String) });
      now = new Date(Date.parse(`${notice.body.endsOn as string}T02:00:00.000Z`) + 86_400_000);
      const proposed = (notice.body as { entries: { proposedAward: string }[] }).entries[0]!.proposedAward;
      const decision = await approver
        .post('/api/decisions', {
          reference: `党组会议2025-03号-${documentRef}`,
          decidedOn: now.toISOString().slice(0, 10),
          body: '保定市数据局党组',
          kind: 'collective',
          awards: [{ applicationId: id, amount: proposed }],
        })
        .expect(201);
      const approved = await approver.post(`/api/applications/${id}/approval`, { decisionRef: decision.body.decisionId });
      expect(approved.body).toMatchObject({ status: 'approved' });
      return approved.body.award as string;
    };

    expect(await awarded('municipal', '保科认〔2025〕1号')).toBe('200000.00');
    const again = await reviewer.post('/api/applications', body('municipal', '保科认〔2025〕2号')).expect(422);
    expect(again.body).toMatchObject({ code: 'RECOGNITION_ALREADY_AWARDED', matterKey: 'KL-smart-compute', level: 'municipal', held: '200000.00' });
    expect(await awarded('provincial', '冀科认〔2025〕9号')).toBe('300000.00');
    const totals = await (await as('supervisor-1', 'supervisor')).get(`/api/enterprises/${uscc}/totals?year=2025`).expect(200);
    expect(totals.body.totals).toEqual([expect.objectContaining({ programmeId: 'baoding-innovation-platform', awarded: '500000.00' })]);

    // Without a matterKey (the SPEC's shape) it is taken, its recognition document naming the platform:
    // a different platform from the one named above, so nothing is held against it.
    const { matterKey: _named, ...unnamed } = body('municipal', '保科认〔2025〕77号');
    expect((await reviewer.post('/api/applications', unnamed).expect(201)).body).toMatchObject({ status: 'submitted' });
  });
});
