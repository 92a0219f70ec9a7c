// The service's one logger: pino, writing JSON lines except in development, where they are made readable.
// NestJS's own messages, the request lines and the errors all go through it, so that a production log
// is one JSON object per line that a collector can parse.
// (nestjs-pino would give the same through Nest middleware and a per-request AsyncLocalStorage; the
// lines written during a request here are the request line and the error line, which both have the
// request at hand, and its CommonJS build cannot be loaded by the test runner before Node 24.9.)
import type { LoggerService } from '@nestjs/common';
import { pino, type Logger } from 'pino';
import pretty from 'pino-pretty';
import type { LedgerConfig } from './config.js';

export type { Logger } from 'pino';

/** Secrets that must never reach a log line, wherever they appear in what is logged. */
const redactedPaths = ['req.headers.authorization', 'req.headers.cookie'];

export function createLogger(config: Pick<LedgerConfig, 'nodeEnv' | 'logLevel'>, destination?: NodeJS.WritableStream): Logger {
  const options = { level: config.logLevel, redact: redactedPaths };
  if (config.nodeEnv !== 'development') return destination === undefined ? pino(options) : pino(options, destination);
  // One line per entry (a request line reads `GET /api/… 200 (3.1 ms) user …`); what is left over,
  // an error's stack for one, follows below it. Synchronous, so that the last lines before an exit
  // are not lost; colours follow the terminal (and NO_COLOR).
  return pino(
    options,
    pretty({
      sync: true,
      translateTime: 'SYS:HH:MM:ss.l',
      messageFormat: '{if context}{context}: {end}{msg}{if req.method} {req.method} {req.url} {res.statusCode} ({responseTimeMs} ms) user {user} id {reqId}{end}',
      ignore: 'pid,hostname,context,req,res,responseTimeMs,user,reqId',
      ...(destination === undefined ? {} : { destination }),
    }),
  );
}

/**
 * NestJS's logger interface over pino. Nest passes its context (the class that logs) as the last
 * argument, and for errors a stack before it.
 */
export class NestLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}

  log(message: unknown, ...rest: unknown[]): void {
    this.write('info', message, rest);
  }

  error(message: unknown, ...rest: unknown[]): void {
    this.write('error', message, rest);
  }

  warn(message: unknown, ...rest: unknown[]): void {
    this.write('warn', message, rest);
  }

  debug(message: unknown, ...rest: unknown[]): void {
    this.write('debug', message, rest);
  }

  verbose(message: unknown, ...rest: unknown[]): void {
    this.write('trace', message, rest);
  }

  fatal(message: unknown, ...rest: unknown[]): void {
    this.write('fatal', message, rest);
  }

  private write(level: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace', message: unknown, rest: unknown[]): void {
    if (!this.logger.isLevelEnabled(level)) return;
    const fields: Record<string, unknown> = {};
    const strings = rest.filter((value): value is string => typeof value === 'string');
    if (strings.length > 0) fields['context'] = strings[strings.length - 1];
    if (strings.length > 1) fields['stack'] = strings[0];
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      this.logger[level]({ ...fields, ...message });
    } else {
      this.logger[level](fields, String(message));
    }
  }
}
