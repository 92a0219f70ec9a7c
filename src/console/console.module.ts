// The web console: its built pages served at `/` beside the API (from dist/console-assets, which
// `npm run build` makes), its own reads, and the one-time sign-in link of a local trial.
import fastifyStatic from '@fastify/static';
import { Inject, Logger, Module, type OnApplicationBootstrap, type OnModuleInit } from '@nestjs/common';
import { HttpAdapterHost } from '@nestjs/core';
import type { FastifyInstance } from 'fastify';
import { existsSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { securityHeaders } from '../http/security-headers.js';
import type { LedgerConfig } from '../config.js';
import { EVENT_STORE, type EventStore } from '../event-store/event-store.js';
import { JWT_SECRET } from '../http/auth.js';
import { LEDGER_CONFIG } from '../ledger-config.token.js';
import { ProjectionsModule } from '../projections/projections.module.js';
import { LedgerModule } from '../commands/ledger.module.js';
import { ConsoleController, SIGN_IN_LINKS, WORKLISTS } from './console.controller.js';
import { SignInLinks, signInLinksAllowed } from './sign-in-link.js';
import { Worklists } from './worklists.js';

/** Where the build puts the console: the same place from src/console (tests) and dist/console (the service). */
export const consoleAssetsDir = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..', 'dist', 'console-assets');

/** Paths that are the API's, never the console's. */
const servicePathPattern = /^\/(api|docs|docs-json|health|metrics)(\/|\?|$)/;

/**
 * The console's pages load only their own scripts, styles and images; nothing may frame them.
 * Inline styles are allowed because the chart library positions its tooltips with them.
 */
export const consoleContentSecurityPolicy = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join(';');

function consoleHeaders(): Readonly<Record<string, string>> {
  return Object.freeze({ ...securityHeaders().pages, 'Content-Security-Policy': consoleContentSecurityPolicy, 'X-Frame-Options': 'DENY' });
}

@Module({
  imports: [ProjectionsModule, LedgerModule],
  controllers: [ConsoleController],
  providers: [
    { provide: WORKLISTS, useFactory: (store: EventStore) => new Worklists(store), inject: [EVENT_STORE] },
    {
      provide: SIGN_IN_LINKS,
      useFactory: (config: LedgerConfig, secret: string) => new SignInLinks(signInLinksAllowed(config, process.env), secret, Date.now, config.tokenLifetimeMaxSeconds),
      inject: [LEDGER_CONFIG, JWT_SECRET],
    },
  ],
})
export class ConsoleModule implements OnModuleInit, OnApplicationBootstrap {
  private readonly logger = new Logger('Console');

  constructor(
    private readonly adapterHost: HttpAdapterHost,
    @Inject(SIGN_IN_LINKS) private readonly links: SignInLinks,
    @Inject(WORKLISTS) private readonly worklists: Worklists,
  ) {}

  onModuleInit(): void {
    const fastify = this.adapterHost.httpAdapter.getInstance<FastifyInstance>();
    const headers = consoleHeaders();
    // After the service's own header hook: the console's pages replace the API's deny-everything policy.
    // Built assets carry a content hash in their names: cached for a year; the page itself always revalidated.
    fastify.addHook('onRequest', (request, reply, done) => {
      if (!servicePathPattern.test(request.url)) {
        void reply
          .headers(headers)
          .header('Cache-Control', request.url.startsWith('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache')
          // The same URL is sent as brotli, gzip or as built, by what the browser accepts.
          .header('Vary', 'Accept-Encoding');
      }
      done();
    });
    if (!existsSync(join(consoleAssetsDir, 'index.html'))) {
      this.logger.warn(`the console is not built (no ${consoleAssetsDir}): run npm run build`);
      fastify.get('/', (_request, reply) => {
        void reply.code(503).type('text/plain; charset=utf-8').send('The console is not built: run `npm run build` (npm start does).\n控制台尚未构建:请运行 npm run build。\n');
      });
      return;
    }
    // One route per built file (no wildcard), so that an unknown path stays the API's problem+json 404.
    void fastify.register(fastifyStatic, {
      root: consoleAssetsDir,
      prefix: '/',
      wildcard: false,
      index: ['index.html'],
      decorateReply: false,
      cacheControl: false,
      // The build writes .br and .gz beside each text file.
      preCompressed: true,
    });
    fastify.server.once('listening', () => {
      const code = this.links.issue();
      if (code === null) return;
      const port = (fastify.server.address() as AddressInfo | null)?.port;
      this.logger.log(`console: http://localhost:${port}/ — one-time sign-in link for the local administrator (valid 1 h): http://localhost:${port}/#/sign-in/${code}`);
    });
  }

  onApplicationBootstrap(): void {
    // Folded now rather than on the first page that needs it; a failure here is retried by that page.
    this.worklists.catchUp().catch((error: unknown) => this.logger.warn(`work lists not folded yet: ${String(error)}`));
  }
}
