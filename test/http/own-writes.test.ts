// A caller who reads right after writing through the service sees the write, without naming a
// position: reads wait (briefly) for the read side to show the last write the service answered.
import { callers, startTestApp, type TestApp } from '../support/http-app.js';
import { READ_SIDE, type ReadSide } from '../../src/projections/read-side.js';

const secret = 'own-writes-test-secret-long-enough-for-hs256';

describe('reads after the service answered a write', () => {
  let started: TestApp;
  const as = callers(() => started.app, secret);

  beforeAll(async () => {
    started = await startTestApp({ secret, prefix: 'ledger-own-writes-' });
  });

  afterAll(async () => {
    await started.close();
  });

  it('wait for the read side to catch up with the write before answering', async () => {
    const admin = await as('admin-1', 'admin');
    const supervisor = await as('supervisor-1', 'supervisor');
    const projector = started.app.get<ReadSide>(READ_SIDE).projector;
    // The read side stops following the log: the write lands in the log only, until it starts again.
    await projector.stop();
    await admin.post('/api/programmes/wuhan-data-product/budgets', { year: 2026, amount: '5000000.00' }).expect(201);
    const read = supervisor.get('/api/budgets/wuhan-data-product/2026');
    setTimeout(() => projector.start(), 200);
    const budget = await read.expect(200);
    expect(budget.body).toMatchObject({ budget: '5000000.00' });
  });
});
