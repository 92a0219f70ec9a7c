#!/usr/bin/env node
// Runs the container image's command the way the image runs it, without a container engine: the
// runtime stage's ENV, WORKDIR contents, USER (the node image's uid/gid 1000) and a data directory
// owned as the Dockerfile leaves /data; then its HEALTHCHECK, a SIGTERM, and the same user against a
// root-owned directory (what a bare `VOLUME` gives) to show the check can tell the two apart.
// Needs root (to switch user) and `npm run build` done. Not covered: the image build itself (apt,
// npm ci, prune), the base image, the volume mount, published ports.
import { spawn, spawnSync } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { chmodSync, chownSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

const root = join(dirname(new URL(import.meta.url).pathname), '..');
/** The `node` user of the official Node.js images. */
const imageUid = 1000;
const imageGid = 1000;
const startTimeoutMs = 120_000;

function fail(message) {
  process.stderr.write(`container check: ${message}\n`);
  process.exit(1);
}

/** The runtime stage (the last FROM) of the Dockerfile: its ENV, USER, data directory, HEALTHCHECK and CMD. */
function runtimeStage() {
  const text = readFileSync(join(root, 'Dockerfile'), 'utf8').replace(/\\\n\s*/g, ' ');
  const lines = text.split('\n').map((line) => line.trim());
  const stage = lines.slice(lines.findLastIndex((line) => line.startsWith('FROM ')));
  const env = {};
  for (const line of stage.filter((l) => l.startsWith('ENV '))) {
    for (const [, name, value] of line.slice(4).matchAll(/([A-Z_][A-Z0-9_]*)=(\S+)/g)) env[name] = value;
  }
  const user = stage.find((l) => l.startsWith('USER '))?.slice(5);
  const volume = stage.find((l) => l.startsWith('VOLUME '))?.slice(7);
  const cmd = stage.find((l) => l.startsWith('CMD '));
  const healthcheck = stage.find((l) => l.startsWith('HEALTHCHECK '));
  if (user !== 'node') fail(`the image must run as the node user, found USER ${user}`);
  if (volume === undefined || cmd === undefined || healthcheck === undefined) fail('the runtime stage needs VOLUME, CMD and HEALTHCHECK');
  if (!stage.some((l) => l.startsWith('RUN ') && l.includes(`chown node:node ${volume}`))) fail(`the runtime stage must give ${volume} to the node user`);
  return { env, volume, cmd: JSON.parse(cmd.slice(4)), health: JSON.parse(healthcheck.slice(healthcheck.indexOf('CMD ') + 4)) };
}

function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer().listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
    server.on('error', reject);
  });
}

/**
 * The image's `node`: a copy of the Node.js running this check, where the image user can execute it
 * (this one may live under a home directory closed to other users).
 */
let imageNode = process.execPath;

/** In production the service needs the keys that sign checkpoints and MAC commits; fresh ones per check. */
const productionKeys = {
  LEDGER_SIGNING_KEY: generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
  LEDGER_MAC_KEY: randomBytes(32).toString('hex'),
};

/** `setpriv` arguments running an image command as the image user. */
function asImageUser([program, ...args]) {
  return [`--reuid=${imageUid}`, `--regid=${imageGid}`, '--clear-groups', '--', program === 'node' ? imageNode : program, ...args];
}

/** Starts the image's command against `dataDir`; resolves with its exit code and output once stopped or failed. */
async function runImageCommand(stage, dataDir, home) {
  const port = await freePort();
  const env = { PATH: `${dirname(imageNode)}:/usr/bin:/bin`, HOME: home, ...stage.env, PORT: String(port), LEDGER_JWT_SECRET: 'container-check-secret-0123456789abcdef', ...productionKeys };
  env.LEDGER_SQLITE_PATH = join(dataDir, 'ledger.db');
  const child = spawn('setpriv', asImageUser(stage.cmd), { cwd: root, env });
  let output = '';
  child.stdout.on('data', (chunk) => (output += chunk));
  child.stderr.on('data', (chunk) => (output += chunk));
  const exited = new Promise((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  let healthy = false;
  const deadline = Date.now() + startTimeoutMs;
  while (!healthy && Date.now() < deadline && child.exitCode === null) {
    const probe = spawnSync('setpriv', asImageUser(stage.health), { env, timeout: 3_000 });
    healthy = probe.status === 0;
    if (!healthy) await new Promise((r) => setTimeout(r, 500));
  }
  if (child.exitCode === null) child.kill('SIGTERM');
  const { code, signal } = await exited;
  return { healthy, code, signal, output };
}

if (process.getuid?.() !== 0) {
  process.stdout.write('container check SKIPPED: it must run as root, to start the command as the image user (uid 1000)\n');
  process.exit(0);
}
if (!existsSync(join(root, 'dist', 'main.js'))) fail('run `npm run build` first');
const stage = runtimeStage();
const scratch = mkdtempSync(join(tmpdir(), 'ledger-container-'));
chmodSync(scratch, 0o755);
try {
  // /data as the image leaves it: owned by node, 0750.
  const home = join(scratch, 'home');
  const data = join(scratch, 'data');
  for (const dir of [home, data]) {
    mkdirSync(dir);
    chownSync(dir, imageUid, imageGid);
  }
  mkdirSync(join(scratch, 'bin'));
  imageNode = join(scratch, 'bin', 'node');
  copyFileSync(process.execPath, imageNode);
  chmodSync(imageNode, 0o755);
  chmodSync(data, 0o750);
  const served = await runImageCommand(stage, data, home);
  if (!served.healthy) fail(`the image's command did not become healthy as uid ${imageUid}:\n${served.output}`);
  if (served.code !== 0) fail(`after SIGTERM the service exited with ${served.code ?? served.signal}, not 0:\n${served.output}`);
  const db = statSync(join(data, 'ledger.db'));
  if (db.uid !== imageUid) fail(`the database belongs to uid ${db.uid}, not the image user`);
  const lines = served.output.split('\n').filter((line) => line.length > 0);
  const notJson = lines.filter((line) => {
    try {
      JSON.parse(line);
      return false;
    } catch {
      return true;
    }
  });
  if (notJson.length > 0) fail(`with the image's NODE_ENV every log line must be JSON; these are not:\n${notJson.join('\n')}`);
  process.stdout.write(`container check: ${stage.cmd.join(' ')} (Node.js ${process.version}) as uid ${imageUid} with the image's ENV served, passed its HEALTHCHECK, wrote ${lines.length} JSON log lines and exited 0 on SIGTERM\n`);

  // The same user against a directory it does not own (a VOLUME the Dockerfile did not prepare) must not start.
  const rootOwned = join(scratch, 'root-owned');
  mkdirSync(rootOwned, { mode: 0o755 });
  const refused = await runImageCommand(stage, rootOwned, home);
  if (refused.healthy || refused.code === 0) fail('the service started on a data directory it cannot write: the check above proves nothing');
  process.stdout.write(`container check: on a root-owned data directory the same command stops (exit ${refused.code}), as it should\n`);
} finally {
  rmSync(scratch, { recursive: true, force: true });
}
