// The service on LEDGER_STORE=postgres: its projections run in the events' database, and reads,
// health, metrics and verification answer from them (before, this store had no read side: 503).
// A store that keeps no read side (KurrentDB) projects into PostgreSQL at DATABASE_URL instead.
// Each run gets a database of its own, since these schemas are fixed (`ledger`, `ledger_read`).
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import pg from 'pg';
import request from 'supertest';
import { mintToken } from '../../src/auth/tokens.js';
import { createApp } from '../../src/bootstrap.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { loadLedgerConfig } from '../../src/config.js';
import type { EventStore } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { openReadSide } from '../../src/projections/read-side.js';
import { reconcile } from '../../src/projections/reconcile.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { postgresAvailability, postgresUrl } from '../support/postgres.js';

const available = await postgresAvailability('projections: the service on a PostgreSQL store');
const secret = 'a-postgres-service-test-secret-long-enough';
const scrapeToken = 'a-postgres-service-scrape-token';

async function admin(sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: postgresUrl });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

(available ? describe : describe.skip)(`the service on PostgreSQL${available ? '' : ' — SKIPPED, no PostgreSQL to test against (reason printed above)'}`, () => {
  const database = `ledger_service_${randomBytes(6).toString('hex')}`;
  let app: NestFastifyApplication;
  let databaseUrl: string;
  let keysDir: string | undefined;

  beforeAll(async () => {
    await admin(`CREATE DATABASE ${database}`);
    const url = new URL(postgresUrl);
    url.pathname = `/${database}`;
    databaseUrl = url.toString();
    // The service's keys and checkpoint file go beside LEDGER_SQLITE_PATH: a folder of the test's own, not the project's.
    keysDir = mkdtempSync(join(tmpdir(), 'ledger-postgres-service-'));
    app = await createApp(
      loadLedgerConfig({
        LEDGER_STORE: 'postgres',
        DATABASE_URL: databaseUrl,
        LEDGER_JWT_SECRET: secret,
        LEDGER_SQLITE_PATH: join(keysDir, 'unused.db'),
        LEDGER_METRICS_TOKEN: scrapeToken,
      }),
      {
        logger: false,
      },
    );
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
  });

  afterAll(async () => {
    await app?.close();
    await admin(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`);
    if (keysDir !== undefined) rmSync(keysDir, { recursive: true, force: true });
  });

  it('projects into PostgreSQL and answers reads, health, metrics and verification from there', async () => {
    const bearer = async (role: string) => `Bearer ${await mintToken(secret, { sub: `${role}-1`, roles: [role as 'admin'] })}`;
    const allocated = await request(app.getHttpServer())
      .post('/api/programmes/wuhan-data-product/budgets')
      .set('Authorization', await bearer('admin'))
      .set('Idempotency-Key', 'budget-1')
      .send({ year: 2026, amount: '600000.00' })
      .expect(201);
    const position = allocated.body.position as string;
    const budget = await request(app.getHttpServer())
      .get(`/api/budgets/wuhan-data-product/2026?minPosition=${position}`)
      .set('Authorization', await bearer('supervisor'))
      .expect(200);
    expect(budget.body).toMatchObject({ budget: '600000.00', committed: '0.00', remaining: '600000.00' });
    expect(BigInt(budget.body.position as string)).toBeGreaterThanOrEqual(BigInt(position));
    const programmes = await request(app.getHttpServer())
      .get('/api/programmes')
      .set('Authorization', await bearer('auditor'))
      .expect(200);
    expect(programmes.body).toHaveLength(6);

    const health = await request(app.getHttpServer()).get('/health').expect(200);
    expect(health.body.info.projections).toMatchObject({ status: 'up', kind: 'postgres' });
    const metrics = await request(app.getHttpServer()).get('/metrics').set('Authorization', `Bearer ${scrapeToken}`).expect(200);
    expect(metrics.text).toContain('ledger_budget_remaining_yuan{programme="wuhan-data-product",year="2026"} 600000');
    const verified = await request(app.getHttpServer())
      .post('/api/audit/verify')
      .set('Authorization', await bearer('auditor'))
      .set('Idempotency-Key', 'verify-1')
      .send({})
      .expect(200);
    expect(verified.body).toMatchObject({ ok: true, projections: { ok: true } });
  });

  it('projects the log of a store that keeps no read side into PostgreSQL at DATABASE_URL, schema ledger_read', async () => {
    const store = new SqliteEventStore({ path: ':memory:' });
    await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 40, seed: 3 });
    // Seen as "some other store": only what a projector reads of it.
    const other = { readAll: store.readAll.bind(store), subscribe: store.subscribe.bind(store), headPosition: store.headPosition.bind(store) } as unknown as EventStore;
    const readSide = await openReadSide(other, loadLedgerConfig({ DATABASE_URL: databaseUrl, LEDGER_SQLITE_PATH: '/nonexistent/never-used.db' }));
    try {
      expect(readSide).toMatchObject({ kind: 'postgres', location: 'PostgreSQL at DATABASE_URL, schema ledger_read' });
      const head = await store.headPosition();
      expect(await readSide.projector.catchUp()).toBe(head);
      expect(await readSide.queries.checkpoint()).toBe(head);
      expect(await readSide.queries.programmes()).toHaveLength(6);
      // As of an instant, from the times the read side keeps itself (no events table here).
      expect(await readSide.queries.positionOf({ time: '2030-01-01T00:00:00.000Z' })).toBe(head);
      expect(await reconcile(store, readSide.queries)).toMatchObject({ ok: true });
    } finally {
      await readSide.close();
      await store.close();
    }
  });
});
