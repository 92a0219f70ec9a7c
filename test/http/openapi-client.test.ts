// The OpenAPI document is good enough to generate a client from: fetched from a started app, turned
// into types by openapi-typescript, compiled by tsc (strict) with a small client written against
// those types, and that client then calls the running API.
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import openapiTS, { astToString } from 'openapi-typescript';
import ts from 'typescript';
import { mintToken } from '../../src/auth/tokens.js';
import { createApp } from '../../src/bootstrap.js';
import { loadLedgerConfig } from '../../src/config.js';
import { problemCodes } from '../../src/http/openapi.js';

const root = join(import.meta.dirname, '..', '..');
const secret = 'an-openapi-test-secret-that-is-long-enough';

interface Operation {
  operationId?: string;
  summary?: string;
  parameters?: { name: string; in: string; schema?: Record<string, unknown> }[];
  responses: Record<string, { content?: Record<string, { schema?: { $ref?: string }; examples?: Record<string, { $ref: string }> }> }>;
}
interface Document {
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, { properties?: Record<string, Record<string, unknown>> }>; examples: Record<string, { value: { code: string } }> };
}

/** A client written against the generated types, as a user of the API would write one. */
const clientSource = `
import type { components, operations, paths } from './api';

export type Budget = components['schemas']['BudgetView'];
export type BudgetQuery = NonNullable<operations['getBudget']['parameters']['query']>;
export type Problem = components['schemas']['Problem'];

export async function getBudget(base: string, token: string, programmeId: string, year: number, query: BudgetQuery): Promise<Budget | Problem> {
  const search = new URLSearchParams(Object.entries(query).filter((e): e is [string, string] => e[1] !== undefined));
  const response = await fetch(\`\${base}/api/budgets/\${programmeId}/\${year}?\${search}\`, { headers: { authorization: \`Bearer \${token}\` } });
  return (await response.json()) as Budget | Problem;
}

// What the document promises, checked by the compiler.
const query: BudgetQuery = { asOf: '2026-06-30', minPosition: '1' };
// @ts-expect-error: a parameter the API does not take does not compile
const unknownParameter: BudgetQuery = { asof: '2026-06-30' };
const code: Problem['code'] = 'NOTICE_NOT_ENDED';
// @ts-expect-error: nor does a code the API never answers
const unknownCode: Problem['code'] = 'NOT_A_CODE';
type Approval = paths['/api/applications/{id}/approval']['post'];
const approvalBody: Approval['requestBody'] extends { content: { 'application/json': infer B } } ? B : never = { decisionRef: '党组会议纪要〔2026〕15号' };
type Approved = Approval['responses'][201]['content']['application/json'];
const award: Approved['award'] = '270000.00';
type Refused = Approval['responses'][422]['content']['application/problem+json'];
const refused: Refused['code'] = 'NOTICE_NOT_ENDED';
export const checked = [query, unknownParameter, code, unknownCode, approvalBody, award, refused];
`;

describe('OpenAPI document', () => {
  let dir: string;
  let app: NestFastifyApplication;
  let base: string;
  let document: Document;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'ledger-openapi-'));
    app = await createApp(loadLedgerConfig({ LEDGER_SQLITE_PATH: join(dir, 'ledger.db'), LEDGER_JWT_SECRET: secret, LEDGER_RATE_LIMIT: '0' }), { logger: false });
    await app.listen(0, '127.0.0.1');
    const address = app.getHttpServer().address();
    base = `http://127.0.0.1:${typeof address === 'object' && address !== null ? address.port : 0}`;
    const response = await fetch(`${base}/docs-json`);
    expect(response.status).toBe(200);
    document = (await response.json()) as Document;
  });

  afterAll(async () => {
    await app.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const operations = (): [string, string, Operation][] =>
    Object.entries(document.paths).flatMap(([path, item]) => Object.entries(item).map(([method, operation]) => [path, method, operation] as [string, string, Operation]));

  it('names every operation with a stable id and a summary that says who may call it', () => {
    const ids = operations().map(([, , operation]) => operation.operationId);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [path, method, operation] of operations()) {
      expect([path, method, operation.operationId]).toEqual([path, method, expect.stringMatching(/^[a-z][A-Za-z]+$/)]);
      expect([path, operation.summary]).toEqual([path, expect.stringMatching(/ — (roles: .+|no token needed)$/)]);
    }
    expect(document.paths['/api/applications/{id}/approval']?.['post']).toMatchObject({ operationId: 'approveAward', summary: expect.stringMatching(/roles: approver$/) });
    expect(document.paths['/api/budgets/{programmeId}/{year}']?.['get']).toMatchObject({
      operationId: 'getBudget',
      summary: expect.stringMatching(/roles: supervisor, auditor, approver, finance$/),
    });
  });

  it('documents every query parameter', () => {
    const queryOf = (path: string) =>
      (document.paths[path]?.['get']?.parameters ?? [])
        .filter((p) => p.in === 'query')
        .map((p) => p.name)
        .sort();
    expect(queryOf('/api/applications')).toEqual(['district', 'fiscalYear', 'limit', 'minPosition', 'offset', 'programmeId', 'status', 'uscc']);
    expect(queryOf('/api/budgets/{programmeId}/{year}')).toEqual(['asOf', 'minPosition']);
    expect(queryOf('/api/enterprises/{uscc}/totals')).toEqual(['asOf', 'minPosition', 'year']);
    expect(queryOf('/api/audit/events')).toEqual(['format', 'fromPosition', 'limit', 'view']);
    expect(queryOf('/api/programmes')).toEqual(['minPosition']);
  });

  it('gives every error one Problem schema, with an example of each code its status carries', () => {
    expect(Object.keys(document.components.examples).sort()).toEqual([...problemCodes].sort());
    for (const code of problemCodes) expect(document.components.examples[code]?.value.code).toBe(code);
    for (const [path, , operation] of operations()) {
      const success = Object.entries(operation.responses).find(([status]) => status.startsWith('2'));
      expect([path, success !== undefined]).toEqual([path, true]);
      // Every answer of the API has its schema, so that the generated client is typed.
      if (path.startsWith('/api')) expect([path, Object.keys(success?.[1].content ?? {}).length > 0]).toEqual([path, true]);
      for (const [status, response] of Object.entries(operation.responses)) {
        if (!status.startsWith('4') && !status.startsWith('5')) continue;
        if (path === '/health' && status === '503') continue;
        const problem = response.content?.['application/problem+json'];
        expect([path, status, problem?.schema?.$ref]).toEqual([path, status, '#/components/schemas/Problem']);
        expect(Object.keys(problem?.examples ?? {}).length).toBeGreaterThan(0);
      }
    }
    const approval = document.paths['/api/applications/{id}/approval']?.['post']?.responses ?? {};
    expect(Object.keys(approval['422']?.content?.['application/problem+json']?.examples ?? {})).toEqual(expect.arrayContaining(['NOTICE_NOT_ENDED', 'BUDGET_EXCEEDED']));
  });

  it('gives amounts and dates their formats and patterns', () => {
    const schemas = document.components.schemas;
    expect(schemas['DisbursementDto']?.properties?.['amount']).toMatchObject({ type: 'string', format: 'decimal', pattern: expect.any(String) });
    expect(schemas['DisbursementDto']?.properties?.['paidOn']).toMatchObject({ type: 'string', format: 'date' });
    expect(schemas['BudgetView']?.properties?.['remaining']).toMatchObject({ type: 'string', format: 'decimal', pattern: expect.any(String) });
    expect(schemas['NoticeResult']?.properties?.['endsOn']).toMatchObject({ type: 'string', format: 'date' });
    expect(new RegExp(String(schemas['BudgetView']?.properties?.['remaining']?.['pattern'])).test('19700000.00')).toBe(true);
  });

  it('generates a typed client that compiles, and calls the API through it', async () => {
    const types = astToString(await openapiTS(document as never));
    writeFileSync(join(dir, 'api.d.ts'), types);
    writeFileSync(join(dir, 'client.ts'), clientSource);
    const program = ts.createProgram([join(dir, 'client.ts')], {
      strict: true,
      noEmit: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.ESNext,
      moduleResolution: ts.ModuleResolutionKind.Bundler,
      lib: ['lib.es2022.d.ts'],
      types: ['node'],
      typeRoots: [join(root, 'node_modules', '@types')],
      skipLibCheck: true,
    });
    const diagnostics = ts.getPreEmitDiagnostics(program).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'));
    expect(diagnostics).toEqual([]);

    const emitted = ts.transpileModule(clientSource, { compilerOptions: { target: ts.ScriptTarget.ES2022, module: ts.ModuleKind.ESNext } }).outputText;
    writeFileSync(join(dir, 'client.mjs'), emitted);
    const client = (await import(pathToFileURL(join(dir, 'client.mjs')).href)) as {
      getBudget: (base: string, token: string, programmeId: string, year: number, query: Record<string, string>) => Promise<Record<string, unknown>>;
    };
    const token = await mintToken(secret, { sub: 'client-1', roles: ['supervisor'] });
    expect(await client.getBudget(base, token, 'baoding-data-voucher', 2026, { minPosition: '1' })).toMatchObject({ budget: '20000000.00', paid: '0.00' });
    expect(await client.getBudget(base, token, 'baoding-data-voucher', 2026, { asOf: '2026-02-30' })).toMatchObject({ code: 'VALIDATION_FAILED', field: 'asOf' });
  });
});
