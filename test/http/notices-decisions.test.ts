// The public notice with its proposed amounts and objections, and the collective decision an approval
// cites, over HTTP: what the public, the approver and the auditor read and export.
import { parse } from 'csv-parse/sync';
import { callers, startTestApp, type TestApp } from '../support/http-app.js';
import { nextInvoice, usccFor } from '../support/world.js';

const secret = 'a-notices-test-secret-that-is-long-enough';

describe('notices and decisions over HTTP', () => {
  let started: TestApp;
  let now = new Date('2025-06-03T02:00:00.000Z');
  const as = callers(() => started.app, secret);

  beforeAll(async () => {
    started = await startTestApp({ secret, prefix: 'ledger-notices-', clock: () => now });
  });

  afterAll(async () => {
    await started.close();
  });

  async function reviewed(uscc: string, amount: string): Promise<string> {
    const reviewer = await as('reviewer-1', 'reviewer');
    const submitted = await reviewer
      .post('/api/applications', {
        programmeId: 'baoding-data-voucher',
        uscc,
        fiscalYear: 2025,
        items: [{ invoiceNumber: nextInvoice(), invoiceDate: '2025-05-20', amount, category: 'compute-rental' }],
      })
      .expect(201);
    const id = submitted.body.applicationId as string;
    for (const stage of ['district-preliminary', 'city-re-review', 'expert-review']) await reviewer.post(`/api/applications/${id}/reviews`, { stage, outcome: 'pass' }).expect(201);
    return id;
  }

  it('lists proposed amounts on the notice, records objections with their objector and channel, and approves two applications of one enterprise-year by the decision that cites them', async () => {
    const admin = await as('admin-1', 'admin');
    const uscc = usccFor(901);
    // A name that Excel would run as a formula, and Chinese text: the CSV must keep both as text.
    await admin.post('/api/enterprises', { uscc, name: '=HYPERLINK("http://x")保定数智', city: 'baoding' }).expect(201);
    const first = await reviewed(uscc, '200000.00');
    const second = await reviewed(uscc, '150000.00');
    const approver = await as('approver-1', 'approver');
    const opened = await approver.post('/api/notices', { programmeId: 'baoding-data-voucher', applicationIds: [first, second], opensOn: '2025-06-03' }).expect(201);
    expect(opened.body).toMatchObject({
      afterStage: 'expert-review',
      endsOn: '2025-06-10',
      entries: [
        { applicationId: first, proposedAward: '0.00' },
        { applicationId: second, proposedAward: '105000.00' },
      ],
    });
    const noticeId = opened.body.noticeId as string;

    // The public channel's recorder files an anonymous objection received by phone; the approver dismisses it.
    now = new Date('2025-06-05T02:00:00.000Z');
    const objection = await (
      await as('reviewer-3', 'reviewer')
    )
      .post(`/api/notices/${noticeId}/objections`, { applicationId: second, summary: '来电反映发票存疑', channel: 'phone' })
      .expect(201);
    expect((await (await as('reviewer-3', 'reviewer')).post(`/api/notices/${noticeId}/objections`, { applicationId: second, summary: 'x', channel: 'pigeon' })).body).toMatchObject(
      {
        status: 400,
        code: 'VALIDATION_FAILED',
      },
    );
    await approver.post(`/api/notices/${noticeId}/objections/${objection.body.objectionId}/resolution`, { outcome: 'dismissed', reason: '经核实发票真实' }).expect(201);

    const auditor = await as('auditor-1', 'auditor');
    const notice = await auditor.get(`/api/notices/${noticeId}`).expect(200);
    expect(notice.body).toMatchObject({
      noticeId,
      programmeId: 'baoding-data-voucher',
      afterStage: 'expert-review',
      entries: [
        { applicationId: first, uscc, enterpriseName: '=HYPERLINK("http://x")保定数智', programmeId: 'baoding-data-voucher', proposedAward: '0.00', proposedBy: 'entitlement' },
        { applicationId: second, proposedAward: '105000.00' },
      ],
      objections: [
        {
          objectionId: objection.body.objectionId,
          applicationId: second,
          objector: null,
          anonymous: true,
          channel: 'phone',
          receivedOn: '2025-06-05',
          filedBy: 'reviewer-3',
          outcome: 'dismissed',
          reason: '经核实发票真实',
          resolvedBy: 'approver-1',
        },
      ],
    });
    const csv = await auditor.get(`/api/notices/${noticeId}?format=csv`).expect(200);
    expect(csv.headers['content-type']).toMatch(/^text\/csv/);
    expect(csv.text.startsWith('\ufeff')).toBe(true);
    const rows = parse(csv.text.slice(1)) as string[][];
    expect(rows[0]).toEqual(['序号', '申报单位', '统一社会信用代码', '支持政策', '申报事项', '拟奖励金额(元)', '申请编号', '公示开始日期', '公示截止日期']);
    expect(rows[1]).toEqual(['1', `'=HYPERLINK("http://x")保定数智`, uscc, 'baoding-data-voucher', '', '0.00', first, '2025-06-03', '2025-06-10']);
    expect(rows[2]?.[5]).toBe('105000.00');
    expect((await auditor.get('/api/notices/no-such-notice')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });

    // The collective decision, then the approvals that cite it, in the notice's order.
    now = new Date('2025-06-11T02:00:00.000Z');
    const decisionBody = {
      reference: '保定市数据局党组会议纪要〔2025〕7号',
      decidedOn: '2025-06-11',
      body: '保定市数据局党组',
      kind: 'collective',
      awards: [
        { applicationId: first, amount: '0.00' },
        { applicationId: second, amount: '105000.00' },
      ],
    };
    const recorded = await approver.post('/api/decisions', decisionBody).expect(201);
    expect(recorded.body).toMatchObject({ reference: '保定市数据局党组会议纪要〔2025〕7号', kind: 'collective', awards: decisionBody.awards });
    expect((await approver.post('/api/decisions', decisionBody)).body).toMatchObject({ status: 409, code: 'ALREADY_EXISTS' });
    expect((await approver.post('/api/decisions', { ...decisionBody, reference: '明日', decidedOn: '2025-06-12' })).body).toMatchObject({ status: 422, code: 'DATE_OUT_OF_RANGE' });
    const decisionRef = recorded.body.decisionId as string;
    const approver2 = await as('approver-2', 'approver');
    expect((await approver2.post(`/api/applications/${first}/approval`, { decisionRef }).expect(201)).body).toMatchObject({ award: '0.00' });
    expect((await approver2.post(`/api/applications/${second}/approval`, { decisionRef, amount: '105000.01' })).body).toMatchObject({
      status: 422,
      code: 'AMOUNT_ABOVE_ENTITLEMENT',
    });
    expect((await approver2.post(`/api/applications/${second}/approval`, { decisionRef }).expect(201)).body).toMatchObject({ award: '105000.00' });

    const decision = await auditor.get(`/api/decisions/${decisionRef}`).expect(200);
    expect(decision.body).toEqual({ decisionId: decisionRef, ...decisionBody });
    const list = parse((await auditor.get(`/api/decisions/${decisionRef}?format=csv`).expect(200)).text.slice(1)) as string[][];
    expect(list).toEqual([
      ['序号', '申请编号', '审定金额(元)', '决定文号', '决策机构', '决定日期', '决定类型'],
      ['1', first, '0.00', '保定市数据局党组会议纪要〔2025〕7号', '保定市数据局党组', '2025-06-11', '集体研究'],
      ['2', second, '105000.00', '保定市数据局党组会议纪要〔2025〕7号', '保定市数据局党组', '2025-06-11', '集体研究'],
    ]);
    // The approval's event names the decision, what it approved and what the notice listed.
    const log = (await auditor.get('/api/audit/events?format=jsonl').expect(200)).text
      .trim()
      .split('\n')
      .map((line) => JSON.parse(line) as { type: string; data: Record<string, unknown> });
    expect(log.find((e) => e.type === 'AwardApproved' && e.data['applicationId'] === second)?.data).toMatchObject({
      decisionRef,
      decidedAmount: '105000.00',
      noticedAmount: '105000.00',
    });
  });

  it('answers 404 for a decision that is not recorded, an id or free text', async () => {
    const auditor = await as('auditor-1', 'auditor');
    expect((await auditor.get('/api/decisions/3c1d5e7f-8a9b-5c0d-9e1f-2a3b4c5d6e7f')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
    expect((await auditor.get('/api/decisions/%E5%85%9A%E7%BB%84')).body).toMatchObject({ status: 404, code: 'NOT_FOUND' });
  });
});
