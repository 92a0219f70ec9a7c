// A programme's new version changes the decisions taken from its day of effect, and nothing before:
// every earlier decision keeps the version it used, and replaying the log reproduces every decision
// and every projection exactly.
import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationStream } from '../../src/applications/application.js';
import { StreamLoader } from '../../src/commands/runner.js';
import { loadLedgerConfig } from '../../src/config.js';
import { readEventOf } from '../../src/events/upcasting.js';
import { poolEntitlement } from '../../src/programmes/award-rules.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { programmeStream, versionOf } from '../../src/programmes/state.js';
import { readTables } from '../../src/projections/fold.js';
import { openReadSide, type ReadSide } from '../../src/projections/read-side.js';
import { readSidePathOf } from '../../src/projections/sqlite-read-file.js';
import { Money } from '../../src/shared/money.js';
import { streams } from '../../src/shared/streams.js';
import { World } from '../support/world.js';

const product = builtInProgrammes.find((p) => p.id === 'wuhan-data-product')!;

function snapshot(path: string): Record<string, unknown[]> {
  const db = new Database(path, { readonly: true });
  const rows: Record<string, unknown[]> = {};
  for (const table of readTables) rows[table] = db.prepare(`SELECT * FROM ${table} ORDER BY 1, 2, 3`).all();
  db.close();
  return rows;
}

describe('replay after a programme version change', () => {
  let dir: string;
  let path: string;
  let world: World;
  let readSide: ReadSide;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-versions-'));
    path = join(dir, 'ledger.db');
    world = await World.create(path);
    readSide = await openReadSide(world.store, loadLedgerConfig({ LEDGER_SQLITE_PATH: path }));
  });

  afterAll(async () => {
    await readSide.projector.stop();
    await readSide.close();
    await world.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('decisions before the day of effect keep version 1, decisions from it use version 2, and a rebuild from the log gives the same rows', async () => {
    const uscc = await world.enterprise(1, 'wuhan');
    await world.allocate(product.id, 2025, '10000000.00');
    // Version 1 (30 %): approved before version 2 exists.
    const early = await world.awarded(product.id, uscc, ['100000.00'], { extra: { matterKey: 'product-early' } });
    expect(early.award).toBe('30000.00');
    await readSide.projector.catchUp();
    const beforeAmendment = snapshot(readSidePathOf(path));

    // Version 2 (20 %), published on 2025-06-20, in force from 2025-07-01.
    world.on('2025-06-20');
    const { version: _v, ...body } = product;
    const amended = await world.dispatch('PublishProgrammeVersion', world.admin(), {
      params: { programmeId: product.id },
      body: { effectiveOn: '2025-07-01', definition: { ...body, rule: { ...product.rule, rate: '0.2' } } },
    });
    expect(amended).toMatchObject({ programmeId: product.id, version: 2, effectiveOn: '2025-07-01' });

    // Published but not yet in force: still 30 %.
    const pending = await world.readyForApproval(product.id, uscc, ['100000.00'], { extra: { matterKey: 'product-pending' } });
    world.on('2025-06-30');
    expect((await world.approve(pending)).award).toBe('30000.00');
    // Submitted under version 1, approved on the day version 2 takes effect: 20 %.
    world.on('2025-06-20');
    const late = await world.readyForApproval(product.id, uscc, ['100000.00'], { extra: { matterKey: 'product-late' } });
    world.on('2025-07-01');
    expect((await world.approve(late)).award).toBe('20000.00');

    // Each approval recorded the version it used, and that version's rule gives exactly its entitlement.
    const loader = new StreamLoader(world.store);
    const programme = await loader.read(streams.programme(product.id), programmeStream);
    if (programme.status !== 'published') throw new Error('the programme is published');
    const used = new Map<string, number | null>();
    for await (const stored of world.store.readAll({ afterPosition: 0n })) {
      const event = readEventOf(stored);
      if (event.type !== 'AwardApproved') continue;
      used.set(event.data.applicationId, event.data.programmeVersion);
      const rule = versionOf(programme, event.data.programmeVersion ?? 1).rule;
      if (rule.kind !== 'proportional') throw new Error('the programme is proportional');
      expect(poolEntitlement(rule, Money.of(event.data.base)).format()).toBe(event.data.entitlement);
    }
    expect(Object.fromEntries(used)).toEqual({ [early.applicationId]: 1, [pending]: 1, [late]: 2 });
    expect((await loader.read(streams.application(early.applicationId), applicationStream)).status).toBe('approved');

    // The live read side, then a rebuild from an empty read side: the same rows, and the earlier ones unchanged.
    await readSide.projector.catchUp();
    const live = snapshot(readSidePathOf(path));
    await readSide.projector.rebuild();
    const replayed = snapshot(readSidePathOf(path));
    expect(replayed).toEqual(live);
    const earlyRow = (rows: Record<string, unknown[]>) => rows['read_applications']!.find((r) => (r as { application_id: string }).application_id === early.applicationId);
    expect(earlyRow(replayed)).toEqual(earlyRow(beforeAmendment));
    expect(replayed['read_programmes']).toEqual(expect.arrayContaining([expect.objectContaining({ programme_id: product.id, version: 2 })]));
  }, 120_000);
});
