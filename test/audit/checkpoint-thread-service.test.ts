// The service as it runs compiled (the built dist/; `npm test` builds first), on an SQLite file:
// its checkpoints' MAC checks run on a thread of their own, and what it signs is the log's digest,
// commit MACs and all, as verify later finds it.
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { built } from '../support/built.js';

type Bootstrap = typeof import('../../src/bootstrap.js');
type Config = typeof import('../../src/config.js');
type Commands = typeof import('../../src/commands/ledger-commands.js');
type Generator = typeof import('../../src/synthetic/generator.js');
type StoreToken = typeof import('../../src/event-store/event-store.js');
type AuditModule = typeof import('../../src/audit/checkpointer.js');
type Signing = typeof import('../../src/audit/signing.js');
type Verify = typeof import('../../src/audit/verify.js');
type KeyTokens = typeof import('../../src/audit/audit.module.js');
type StoreKeys = typeof import('../../src/event-store/event-store.module.js');

describe('the service checkpointing an SQLite log', () => {
  let dir: string;

  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-checkpoint-service-'));
  });

  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('checks the MACs on a thread of its own and signs the digest verify finds, every N events', async () => {
    const { createApp } = await built<Bootstrap>('bootstrap.js');
    const { loadLedgerConfig } = await built<Config>('config.js');
    const { openLedgerCommands } = await built<Commands>('commands/ledger-commands.js');
    const { generateSynthetic } = await built<Generator>('synthetic/generator.js');
    const { EVENT_STORE } = await built<StoreToken>('event-store/event-store.js');
    const { Checkpointer } = await built<AuditModule>('audit/checkpointer.js');
    const { SIGNING_KEY } = await built<KeyTokens>('audit/audit.module.js');
    const { MAC_KEY } = await built<StoreKeys>('event-store/event-store.module.js');
    const { verifySignedDigest } = await built<Signing>('audit/signing.js');
    const { verifyLog } = await built<Verify>('audit/verify.js');
    const config = loadLedgerConfig({
      LEDGER_SQLITE_PATH: join(dir, 'ledger.db'),
      LEDGER_JWT_SECRET: 'checkpoint-thread-secret-long-enough-for-hs256',
      LEDGER_CHECKPOINT_EVENTS: '20',
      PORT: '0',
    });
    const app = await createApp(config, { logger: false });
    await app.init();
    try {
      const store = app.get<import('../../src/event-store/event-store.js').EventStore>(EVENT_STORE);
      const checkpointer = app.get(Checkpointer);
      expect((checkpointer as unknown as { checks: object }).checks.constructor.name).toBe('ThreadedChainChecks');
      const macKey = app.get<Buffer | null>(MAC_KEY);
      expect(macKey).not.toBeNull();
      await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 4, seed: 3 });
      const head = await store.headPosition();
      // The service's own tick (every quarter of a second) signs once 20 events are unanchored: into
      // the table, then the shipped file.
      const shippedLast = (): unknown => {
        const text = existsSync(config.checkpointFile) ? readFileSync(config.checkpointFile, 'utf8') : '';
        // Whole lines only: the file may be read while a line is being written.
        const lines = text
          .slice(0, text.lastIndexOf('\n') + 1)
          .split('\n')
          .filter((line) => line !== '');
        return lines.length === 0 ? undefined : JSON.parse(lines[lines.length - 1]!);
      };
      const deadline = Date.now() + 10_000;
      while ((shippedLast() as { position?: string } | undefined)?.position !== head.toString() && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      const last = await store.checkpoints?.last();
      expect(last?.position).toBe(head.toString());
      expect(shippedLast()).toEqual(last);
      const { createPublicKey } = await import('node:crypto');
      const publicKey = createPublicKey(app.get(SIGNING_KEY));
      expect(verifySignedDigest(last, publicKey)).toEqual(await store.digest());
      const report = await verifyLog(store, [verifySignedDigest(last, publicKey)!], undefined, macKey ?? undefined);
      expect(report).toMatchObject({ ok: true, anchoredThrough: head, unanchoredEvents: 0, macChecked: true });
    } finally {
      await app.close();
    }
  });
});
