// The deployment files against the rules they exist for: a container that owns its data and runs as
// non-root with a health check, a compose file that needs the token secret, listens on loopback only,
// pins its images and waits for its servers to be healthy, and one Node.js line everywhere.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';

const root = join(import.meta.dirname, '..', '..');
const read = (file: string) => readFileSync(join(root, file), 'utf8');

interface ComposeService {
  image?: string;
  build?: unknown;
  ports?: string[];
  environment?: Record<string, string>;
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: unknown };
}
const compose = parse(read('docker-compose.yml'), { merge: true }) as { services: Record<string, ComposeService> };
const services = Object.entries(compose.services);
const ledgerServices = services.filter(([, service]) => service.environment?.['LEDGER_STORE'] !== undefined);

/** The Dockerfile's instructions, continuation lines joined. */
const dockerfile = read('Dockerfile')
  .replace(/\\\n\s*/g, ' ')
  .split('\n')
  .map((line) => line.trim());
const runtime = dockerfile.slice(dockerfile.reduce((last, line, at) => (line.startsWith('FROM ') ? at : last), -1));
const nodeLine = read('.nvmrc').trim();

describe('docker-compose.yml', () => {
  it('has no usable default token secret: every service of the ledger needs LEDGER_JWT_SECRET set', () => {
    expect(ledgerServices.map(([name]) => name).sort()).toEqual(['ledger', 'ledger-kurrentdb', 'ledger-postgres']);
    for (const [, service] of ledgerServices) expect(service.environment?.['LEDGER_JWT_SECRET']).toMatch(/^\$\{LEDGER_JWT_SECRET:\?[^}]+\}$/);
    // Nor keys that sign checkpoints and MAC commits: production refuses to start without them.
    for (const [, service] of ledgerServices) {
      for (const key of ['LEDGER_SIGNING_KEY', 'LEDGER_MAC_KEY']) expect(service.environment?.[key]).toMatch(new RegExp(`^\\$\\{${key}:\\?[^}]+\\}$`));
    }
  });

  it('publishes every port on 127.0.0.1 only', () => {
    const ports = services.flatMap(([, service]) => service.ports ?? []);
    expect(ports.length).toBeGreaterThanOrEqual(5);
    for (const port of ports) expect(port).toMatch(/^127\.0\.0\.1:\d+:\d+$/);
  });

  it('pins every image to a version, and builds the ledger image once for its three services', () => {
    for (const [, service] of services) expect(service.image).toMatch(/^[a-z0-9./-]+:\d+\.\d+[\w.-]*$/);
    expect(services.filter(([, service]) => service.build !== undefined).map(([name]) => name)).toEqual(['ledger']);
    expect(new Set(ledgerServices.map(([, service]) => service.image)).size).toBe(1);
  });

  it('starts a service only once what it depends on is healthy, and every server has a health check', () => {
    const dependencies = services.flatMap(([, service]) => Object.entries(service.depends_on ?? {}));
    expect(dependencies.map(([name]) => name).sort()).toEqual(['kurrentdb', 'postgres']);
    for (const [name, { condition }] of dependencies) {
      expect(condition).toBe('service_healthy');
      expect(compose.services[name]?.healthcheck?.test).toBeDefined();
    }
  });

  const composeCli = ['docker-compose', 'docker'].find(
    (program) => spawnSync(program, program === 'docker' ? ['compose', 'version'] : ['version'], { stdio: 'ignore' }).status === 0,
  );
  if (composeCli === undefined)
    process.stdout.write('SKIPPED docker-compose.yml through `docker compose config`: neither docker-compose nor the docker compose plugin is installed\n');
  (composeCli === undefined ? it.skip : it)(
    `is accepted by ${composeCli ?? 'docker compose'} config with the secret set, and refused without it${composeCli === undefined ? ' — SKIPPED, no compose CLI (reason printed above)' : ''}`,
    () => {
      const args = composeCli === 'docker' ? ['compose'] : [];
      const { LEDGER_JWT_SECRET: _unset, ...environment } = process.env;
      for (const profile of ['postgres', 'kurrentdb']) {
        const accepted = spawnSync(composeCli!, [...args, '--profile', profile, 'config', '--quiet'], {
          cwd: root,
          env: { ...environment, LEDGER_JWT_SECRET: 'x'.repeat(48) },
          encoding: 'utf8',
        });
        expect(accepted.stderr).toBe('');
        expect(accepted.status).toBe(0);
      }
      const refused = spawnSync(composeCli!, [...args, 'config', '--quiet'], { cwd: root, env: environment, encoding: 'utf8' });
      expect(refused.status).not.toBe(0);
      expect(refused.stderr).toContain('set LEDGER_JWT_SECRET');
    },
  );
});

describe('Dockerfile', () => {
  it('builds on the pinned image of the Node.js line in .nvmrc, in both stages', () => {
    const image = /^ARG NODE_IMAGE=(\S+)$/m.exec(read('Dockerfile'))?.[1];
    expect(image).toMatch(new RegExp(`^node:${nodeLine}\\.\\d+\\.\\d+-\\w+-slim$`));
    expect(dockerfile.filter((line) => line.startsWith('FROM '))).toEqual(['FROM ${NODE_IMAGE} AS build', 'FROM ${NODE_IMAGE}']);
  });

  it('runs as the node user, owns its data directory before it becomes a volume, and has a HEALTHCHECK', () => {
    const at = (prefix: string) => runtime.findIndex((line) => line.startsWith(prefix));
    expect(runtime[at('USER ')]).toBe('USER node');
    expect(runtime[at('VOLUME ')]).toBe('VOLUME /data');
    const chown = runtime.findIndex((line) => line.startsWith('RUN ') && line.includes('chown node:node /data'));
    expect(chown).toBeGreaterThanOrEqual(0);
    expect(chown).toBeLessThan(at('VOLUME '));
    expect(runtime[at('HEALTHCHECK ')]).toContain('/health');
    expect(runtime[at('CMD ')]).toBe('CMD ["node", "dist/main.js"]');
  });

  it('serves in production mode on every interface of the container, with its database in /data', () => {
    const env = runtime.filter((line) => line.startsWith('ENV ')).join(' ');
    for (const setting of ['NODE_ENV=production', 'HOST=0.0.0.0', 'PORT=3000', 'LEDGER_SQLITE_PATH=/data/ledger.db']) expect(env).toContain(setting);
  });
});

describe('the Node.js line', () => {
  it('is one story: engines from the oldest supported line, its @types/node, .nvmrc at the newest LTS', () => {
    const manifest = JSON.parse(read('package.json')) as { engines: { node: string }; devDependencies: Record<string, string> };
    const oldest = /^>=(\d+)\.\d+$/.exec(manifest.engines.node)?.[1];
    expect(oldest).toBe('22');
    expect(manifest.devDependencies['@types/node']).toMatch(new RegExp(`^\\^${oldest}\\.`));
    expect(Number(nodeLine)).toBeGreaterThanOrEqual(Number(oldest));
  });
});
