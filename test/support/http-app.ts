// The real application for HTTP tests: built as main.ts builds it, on a new SQLite file in a folder of
// its own, with a clock the test sets; and callers signed in with a role, each write with a fresh
// Idempotency-Key.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { Test } from '@nestjs/testing';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { AppModule } from '../../src/app.module.js';
import { mintToken } from '../../src/auth/tokens.js';
import { configureApp, ledgerHttpAdapter } from '../../src/bootstrap.js';
import type { Role } from '../../src/commands/runner.js';
import { loadLedgerConfig } from '../../src/config.js';
import { CLOCK } from '../../src/http/api.controller.js';

export interface TestApp {
  readonly app: NestFastifyApplication;
  readonly dir: string;
  close(): Promise<void>;
}

/** The application on `<tmp>/<prefix>…/ledger.db`, signing tokens with `secret`; `clock` replaces the wall clock. */
export async function startTestApp(options: { secret: string; prefix: string; clock?: () => Date; settings?: Record<string, string> }): Promise<TestApp> {
  const dir = mkdtempSync(join(tmpdir(), options.prefix));
  const config = loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: options.secret, ...options.settings });
  const testing = Test.createTestingModule({ imports: [AppModule.forRoot(config)] });
  const moduleRef = await (options.clock === undefined ? testing : testing.overrideProvider(CLOCK).useValue(options.clock)).compile();
  const app = await configureApp(moduleRef.createNestApplication<NestFastifyApplication>(ledgerHttpAdapter({ logger: false }), { logger: false }));
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    dir,
    close: async () => {
      await app.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Callers of the application (`app()`, once started): `as(sub, role)` signs a token for them. */
export function callers(app: () => NestFastifyApplication, secret: string) {
  let keys = 0;
  const key = () => `k-${(keys += 1)}`;
  return async (sub: string, role: Role) => {
    const bearer = `Bearer ${await mintToken(secret, { sub, roles: [role] })}`;
    return {
      post: (path: string, body?: unknown) =>
        request(app().getHttpServer())
          .post(path)
          .set('Authorization', bearer)
          .set('Idempotency-Key', key())
          .send(body as object),
      delete: (path: string, body?: unknown) =>
        request(app().getHttpServer())
          .delete(path)
          .set('Authorization', bearer)
          .set('Idempotency-Key', key())
          .send(body as object),
      get: (path: string) => request(app().getHttpServer()).get(path).set('Authorization', bearer),
    };
  };
}
