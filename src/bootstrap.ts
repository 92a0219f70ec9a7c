// Builds the HTTP application the same way for `npm start` and for the tests.
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { LedgerConfig } from './config.js';

/** What every instance of the app gets, whoever builds it. */
export function configureApp(app: INestApplication): INestApplication {
  app.setGlobalPrefix('api', { exclude: ['health'] });
  return app;
}

export async function createApp(config: LedgerConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), options.logger === false ? { logger: false } : {});
  return configureApp(app);
}
