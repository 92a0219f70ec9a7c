// The service's settings: one schema over the environment (SPEC §7 names, plus HOST, LOG_LEVEL and NODE_ENV), read once and checked.
import { dirname, join, resolve } from 'node:path';
import { z } from 'zod';

export const storeKinds = ['sqlite', 'postgres', 'eventstoredb'] as const;
export type StoreKind = (typeof storeKinds)[number];

export const nodeEnvironments = ['development', 'production', 'test'] as const;
export type NodeEnvironment = (typeof nodeEnvironments)[number];

export const logLevels = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof logLevels)[number];

/**
 * Where `npm start` listens unless HOST says otherwise: loopback, so that a service started on a
 * workstation is not reachable from the network. The container image sets HOST=0.0.0.0, as a
 * published container port needs.
 */
export const hostDefault = '127.0.0.1';

export interface LedgerConfig {
  readonly nodeEnv: NodeEnvironment;
  readonly host: string;
  readonly port: number;
  readonly logLevel: LogLevel;
  readonly store: StoreKind;
  readonly sqlitePath: string;
  readonly databaseUrl: string | undefined;
  readonly eventStoreConnectionString: string | undefined;
  readonly jwtSecret: string | undefined;
  /** LEDGER_SIGNING_KEY: the Ed25519 private key (PKCS#8 PEM) checkpoints and digests are signed with. */
  readonly signingKeyPem: string | undefined;
  /** LEDGER_MAC_KEY: the key commits are MACed with (hex or base64, at least 32 bytes). */
  readonly macKeyText: string | undefined;
  /** Requests per minute per user; 0 turns limiting off. */
  readonly rateLimitPerMinute: number;
  /** The service signs a checkpoint once this many events are unanchored… */
  readonly checkpointEvents: number;
  /** …or once the oldest unanchored event is this many seconds old: the unanchored tail is bounded by both. */
  readonly checkpointSeconds: number;
  /** The append-only file every checkpoint is also written to (JSON Lines), to be shipped elsewhere. */
  readonly checkpointFile: string;
  /** Requests per minute per client address without a valid token (none, or one refused); 0 turns it off. */
  readonly rateLimitAnonymousPerMinute: number;
  /** Longest lifetime (`exp - iat`) of a token accepted, and minted by `ledger token`, in seconds. */
  readonly tokenLifetimeMaxSeconds: number;
  /** The bearer token a Prometheus scrape of /metrics must send; unset, /metrics publishes no money. */
  readonly metricsToken: string | undefined;
}

/** Shortest scrape token accepted: a guessable one would publish the budgets. */
export const metricsTokenLengthMin = 24;

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** An unset or empty variable is absent: `FOO= npm start` means the default, as shells make it easy to write. */
const absentIfEmpty = (value: unknown) => (value === '' ? undefined : value);

function integer(name: string, fallback: number, min: number, max: number) {
  return z.preprocess(
    absentIfEmpty,
    z
      .string()
      .refine((text) => /^[0-9]+$/.test(text) && Number(text) >= min && Number(text) <= max, {
        error: (issue) => `${name} must be an integer from ${min} to ${max}, got "${String(issue.input)}"`,
      })
      .transform(Number)
      .optional()
      .transform((value) => value ?? fallback),
  );
}

function oneOf<const T extends readonly [string, ...string[]]>(name: string, values: T, fallback: T[number]) {
  return z.preprocess(
    absentIfEmpty,
    z
      .enum(values, { error: (issue) => `${name} must be one of ${values.join(', ')}, got "${String(issue.input)}"` })
      .optional()
      .transform((value) => value ?? fallback),
  );
}

const optionalText = z.preprocess(absentIfEmpty, z.string().optional());

/** A host name, an IPv4 address or an IPv6 address: what `listen` accepts, and no URL or port. */
const hostPattern = /^(?:[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.]*)$/;

const environmentSchema = z
  .object({
    NODE_ENV: oneOf('NODE_ENV', nodeEnvironments, 'development'),
    HOST: z.preprocess(
      absentIfEmpty,
      z
        .string()
        .refine((text) => hostPattern.test(text), { error: (issue) => `HOST must be a host name or an IP address (e.g. 127.0.0.1, 0.0.0.0, ::), got "${String(issue.input)}"` })
        .optional()
        .transform((value) => value ?? hostDefault),
    ),
    PORT: integer('PORT', 3000, 0, 65_535),
    LOG_LEVEL: oneOf('LOG_LEVEL', logLevels, 'info'),
    LEDGER_STORE: oneOf('LEDGER_STORE', storeKinds, 'sqlite'),
    LEDGER_SQLITE_PATH: z.preprocess(
      absentIfEmpty,
      z
        .string()
        .optional()
        .transform((path) => resolve(path ?? './data/ledger.db')),
    ),
    DATABASE_URL: optionalText,
    EVENTSTORE_CONNECTION_STRING: optionalText,
    LEDGER_JWT_SECRET: optionalText,
    LEDGER_SIGNING_KEY: optionalText,
    LEDGER_MAC_KEY: optionalText,
    LEDGER_RATE_LIMIT: integer('LEDGER_RATE_LIMIT', 600, 0, 1_000_000),
    LEDGER_CHECKPOINT_EVENTS: integer('LEDGER_CHECKPOINT_EVENTS', 1_000, 1, 10_000_000),
    LEDGER_CHECKPOINT_SECONDS: integer('LEDGER_CHECKPOINT_SECONDS', 5, 1, 86_400),
    LEDGER_CHECKPOINT_FILE: optionalText,
    LEDGER_RATE_LIMIT_ANONYMOUS: integer('LEDGER_RATE_LIMIT_ANONYMOUS', 60, 0, 1_000_000),
    LEDGER_TOKEN_MAX_LIFETIME: integer('LEDGER_TOKEN_MAX_LIFETIME', 604_800, 60, 31_536_000),
    LEDGER_METRICS_TOKEN: z.preprocess(
      absentIfEmpty,
      z
        .string()
        .refine((text) => text.length >= metricsTokenLengthMin && /^[\x21-\x7e]+$/.test(text), {
          error: `LEDGER_METRICS_TOKEN must be at least ${metricsTokenLengthMin} printable characters without spaces`,
        })
        .optional(),
    ),
  })
  .superRefine((env, context) => {
    if (env.LEDGER_STORE === 'postgres' && env.DATABASE_URL === undefined) context.addIssue({ code: 'custom', message: 'LEDGER_STORE=postgres needs DATABASE_URL' });
    if (env.LEDGER_STORE === 'eventstoredb' && env.EVENTSTORE_CONNECTION_STRING === undefined) {
      context.addIssue({ code: 'custom', message: 'LEDGER_STORE=eventstoredb needs EVENTSTORE_CONNECTION_STRING' });
    }
  });

/** The settings, or a ConfigError naming every setting that cannot be used (on one line). */
export function loadLedgerConfig(env: NodeJS.ProcessEnv = process.env): LedgerConfig {
  const parsed = environmentSchema.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((issue) => issue.message).join('; '));
  const settings = parsed.data;
  return {
    nodeEnv: settings.NODE_ENV,
    host: settings.HOST,
    port: settings.PORT,
    logLevel: settings.LOG_LEVEL,
    store: settings.LEDGER_STORE,
    sqlitePath: settings.LEDGER_SQLITE_PATH,
    databaseUrl: settings.DATABASE_URL,
    eventStoreConnectionString: settings.EVENTSTORE_CONNECTION_STRING,
    jwtSecret: settings.LEDGER_JWT_SECRET,
    signingKeyPem: settings.LEDGER_SIGNING_KEY,
    macKeyText: settings.LEDGER_MAC_KEY,
    rateLimitPerMinute: settings.LEDGER_RATE_LIMIT,
    checkpointEvents: settings.LEDGER_CHECKPOINT_EVENTS,
    checkpointSeconds: settings.LEDGER_CHECKPOINT_SECONDS,
    // Beside the embedded database by default, as the keys are; any store's service writes it.
    checkpointFile: resolve(settings.LEDGER_CHECKPOINT_FILE ?? join(dirname(settings.LEDGER_SQLITE_PATH), 'checkpoints.jsonl')),
    rateLimitAnonymousPerMinute: settings.LEDGER_RATE_LIMIT_ANONYMOUS,
    tokenLifetimeMaxSeconds: settings.LEDGER_TOKEN_MAX_LIFETIME,
    metricsToken: settings.LEDGER_METRICS_TOKEN,
  };
}
