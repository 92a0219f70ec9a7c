// `npm start` builds the console only when it changed: the newest of its sources (and of the lockfile,
// which pins the build's tools) against the built page. A start with nothing changed goes straight on.
import { spawnSync } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const built = join(root, 'dist', 'console-assets', 'index.html');

function newest(path) {
  const stat = statSync(path, { throwIfNoEntry: false });
  if (stat === undefined) return 0;
  if (!stat.isDirectory()) return stat.mtimeMs;
  return readdirSync(path).reduce((latest, name) => Math.max(latest, newest(join(path, name))), stat.mtimeMs);
}

const sources = Math.max(newest(join(root, 'console')), newest(join(root, 'package-lock.json')));
const page = statSync(built, { throwIfNoEntry: false })?.mtimeMs ?? 0;
if (page >= sources) process.exit(0);
const build = spawnSync('npm', ['run', 'build:console'], { cwd: root, stdio: 'inherit' });
process.exit(build.status ?? 1);
