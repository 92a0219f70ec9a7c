// Builds the HTTP application the same way for `npm start` and for the tests.
import { INestApplication } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { AppModule } from './app.module.js';
import type { LedgerConfig } from './config.js';

export async function createApp(config: LedgerConfig, options: { logger?: false } = {}): Promise<INestApplication> {
  const app = await NestFactory.create(AppModule.forRoot(config), options.logger === false ? { logger: false } : {});
  app.setGlobalPrefix('api', { exclude: ['health'] });
  return app;
}
