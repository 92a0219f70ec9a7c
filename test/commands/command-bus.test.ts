// The write side inside the Nest application: programmes published at start, commands through the bus.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { INestApplication } from '@nestjs/common';
import { CommandBus } from '@nestjs/cqrs';
import { createApp } from '../../src/bootstrap.js';
import { commandOf } from '../../src/commands/ledger-command.js';
import { loadLedgerConfig } from '../../src/config.js';
import { EVENT_STORE, type EventStore } from '../../src/event-store/event-store.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { DomainError } from '../../src/shared/errors.js';
import { READ_SIDE, type ReadSide } from '../../src/projections/read-side.js';
import { usccFor } from '../support/world.js';

describe('commands through the CommandBus', () => {
  let dir: string;
  let app: INestApplication;

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-bus-'));
    app = await createApp(loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db') }), { logger: false });
    await app.init();
  });

  afterEach(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('publishes the six built-in programmes at start, once however often it starts', async () => {
    const store = app.get<EventStore>(EVENT_STORE);
    for (const definition of builtInProgrammes) {
      const events = await store.readStream(`programme-${definition.id}`);
      expect(events.map((e) => e.type)).toEqual(['ProgrammePublished']);
    }
    const head = await store.headPosition();
    await app.close();
    app = await createApp(loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db') }), { logger: false });
    await app.init();
    expect(await app.get<EventStore>(EVENT_STORE).headPosition()).toBe(head);
  });

  it('runs a use case from the bus to the store, and returns the typed domain error on a refusal', async () => {
    const bus = app.get(CommandBus);
    const now = '2025-06-03T02:00:00.000Z';
    const uscc = usccFor(1);
    await bus.execute(
      commandOf(
        'RegisterEnterprise',
        { commandId: 'c-1', actor: { id: 'admin-1', roles: ['admin'] }, now },
        { params: {}, body: { uscc, name: '保定某数据公司', city: 'baoding' } },
      ),
    );
    const reviewer = { commandId: 'c-2', actor: { id: 'reviewer-1', roles: ['reviewer' as const] }, now };
    const submitted = await bus.execute(
      commandOf('SubmitApplication', reviewer, {
        params: {},
        body: {
          programmeId: 'baoding-data-voucher',
          uscc,
          fiscalYear: 2025,
          items: [{ invoiceNumber: '12345678', invoiceCode: '1300251130', invoiceDate: '2025-05-01', amount: '350000.00', category: 'compute-rental' }],
        },
      }),
    );
    expect(submitted).toMatchObject({ status: 'submitted' });
    expect(BigInt(submitted.position)).toBeGreaterThan(0n);
    // The service's projector follows the log: the read side catches up with the write.
    const readSide = app.get<ReadSide>(READ_SIDE);
    expect(await readSide.projector.waitFor(BigInt(submitted.position), 5_000)).toBe(true);
    expect(await readSide.queries.application(submitted.applicationId)).toMatchObject({ status: 'submitted', claimed: '350000.00', uscc });
    // The request is parsed at the edge, before the bus: a refusal comes from there, typed alike.
    const refused = (async () =>
      bus.execute(
        commandOf('SubmitApplication', { ...reviewer, commandId: 'c-3' }, { params: {}, body: { programmeId: 'no-such-programme', uscc, fiscalYear: 2025, items: [] } }),
      ))();
    await expect(refused).rejects.toBeInstanceOf(DomainError);
  });
});
