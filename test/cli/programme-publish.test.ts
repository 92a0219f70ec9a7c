// `ledger programme publish FILE`, as an operator runs it (the built dist/; `npm test` builds first): a
// definition file in JSON or YAML, checked against the schema the API uses, published as a new programme
// or, with --effective-on, as the next version of one.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { stringify } from 'yaml';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { StreamLoader } from '../../src/commands/runner.js';
import { programmeStream } from '../../src/programmes/state.js';
import { streams } from '../../src/shared/streams.js';

const run = promisify(execFile);
const cli = join(import.meta.dirname, '..', '..', 'dist', 'cli', 'ledger.js');
/** Each test starts the command line a few times, a few seconds each on a busy machine. */
const cliTestTimeoutMs = 180_000;

async function ledger(path: string, args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const env: NodeJS.ProcessEnv = { ...process.env, LEDGER_STORE: 'sqlite', LEDGER_SQLITE_PATH: path };
  try {
    const { stdout, stderr } = await run(process.execPath, [cli, ...args], { env });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
const { version: _version, ...voucherBody } = voucher;

describe('ledger programme publish', () => {
  let dir: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-programme-cli-'));
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it(
    'publishes a new programme from a YAML file and its next version from a JSON file; a definition out of shape exits 2 naming the field',
    async () => {
      const path = join(dir, 'ledger.db');
      const yamlFile = join(dir, 'pilot.yaml');
      writeFileSync(yamlFile, stringify({ ...voucherBody, id: 'baoding-pilot' }));
      const created = await ledger(path, ['programme', 'publish', yamlFile]);
      expect(created).toMatchObject({ code: 0 });
      expect(JSON.parse(created.stdout)).toMatchObject({ programmeId: 'baoding-pilot', version: 1, effectiveOn: '2025-02-17' });

      const jsonFile = join(dir, 'pilot-v2.json');
      writeFileSync(jsonFile, JSON.stringify({ ...voucherBody, id: 'baoding-pilot', rule: { ...voucher.rule, rate: '0.25' } }));
      const amended = await ledger(path, ['programme', 'publish', jsonFile, '--effective-on', '2099-01-01']);
      expect(amended).toMatchObject({ code: 0 });
      expect(JSON.parse(amended.stdout)).toMatchObject({ programmeId: 'baoding-pilot', version: 2, effectiveOn: '2099-01-01' });
      // The same file again is the same command: answered as the first time, nothing more written.
      expect(JSON.parse((await ledger(path, ['programme', 'publish', jsonFile, '--effective-on', '2099-01-01'])).stdout)).toMatchObject({ version: 2 });

      const badFile = join(dir, 'bad.yml');
      writeFileSync(badFile, stringify({ ...voucherBody, id: 'baoding-bad', stages: [] }));
      const bad = await ledger(path, ['programme', 'publish', badFile]);
      expect(bad.code).toBe(2);
      expect(bad.stderr).toMatch(/^ledger: VALIDATION_FAILED: definition\.stages/);
      const notYaml = join(dir, 'broken.yaml');
      writeFileSync(notYaml, 'id: [unclosed');
      expect((await ledger(path, ['programme', 'publish', notYaml])).code).toBe(2);

      const store = new SqliteEventStore({ path });
      try {
        const programme = await new StreamLoader(store).read(streams.programme('baoding-pilot'), programmeStream);
        expect(programme.status === 'published' ? [...programme.effectiveOn] : []).toEqual([
          [1, '2025-02-17'],
          [2, '2099-01-01'],
        ]);
        expect((await new StreamLoader(store).read(streams.programme('baoding-bad'), programmeStream)).status).toBe('none');
      } finally {
        await store.close();
      }
    },
    cliTestTimeoutMs,
  );
});
