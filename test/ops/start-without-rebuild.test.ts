// `npm start` goes straight to the service when nothing changed: TypeScript's build is incremental, and
// the console is built only when its sources (or the lockfile) are newer than the built page.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

describe('npm start', () => {
  it('builds the console only when it changed: right after a build, the check does nothing', () => {
    // The test command builds first, so the page is there and newer than its sources.
    expect(existsSync(join(root, 'dist', 'console-assets', 'index.html'))).toBe(true);
    const check = spawnSync(process.execPath, [join(root, 'console', 'build-if-stale.mjs')], { cwd: root, encoding: 'utf8' });
    expect({ status: check.status, output: `${check.stdout}${check.stderr}` }).toEqual({ status: 0, output: '' });
  });
});
