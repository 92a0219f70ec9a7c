// The OpenAPI document as a client generator needs it: each route with a stable operation id, a
// summary naming the roles allowed, its success schema, and its error answers, all one Problem schema
// (RFC 9457 with the ledger's `code`) with an example of each code that status can carry.
import { applyDecorators, type Type } from '@nestjs/common';
import { ApiExtension, ApiOperation, ApiResponse, type OpenAPIObject } from '@nestjs/swagger';
import type { Role } from '../shared/actor.js';
import { Roles, readerRoles } from './auth.js';
import { problemOf, statusOf, type ApiErrorCode } from './problem.js';

export interface EndpointOptions {
  /** The operation id: a client's method name, so it never changes once published. */
  readonly id: string;
  readonly summary: string;
  readonly roles: readonly Role[];
  /** The success status and its schema (a class, or a class in an array for a list). */
  readonly status: 200 | 201;
  readonly type?: Type<unknown> | [Type<unknown>];
  readonly description?: string;
  /** Answers that are not JSON (exports): their media types. */
  readonly content?: Record<string, { schema: { type: 'string'; format?: string } }>;
}

function rolesText(roles: readonly Role[]): string {
  return roles.length === readerRoles.length && readerRoles.every((role) => roles.includes(role)) ? 'any role' : roles.join(', ');
}

/** A route's roles (checked by the guard) and its documentation, declared once. */
export function Endpoint(options: EndpointOptions): MethodDecorator {
  const type = options.type;
  const schema = type === undefined ? {} : Array.isArray(type) ? { type: type[0], isArray: true } : { type };
  const content = options.content === undefined ? {} : { content: options.content };
  return applyDecorators(
    Roles(...options.roles),
    ApiOperation({
      operationId: options.id,
      summary: `${options.summary} — roles: ${rolesText(options.roles)}`,
      ...(options.description === undefined ? {} : { description: options.description }),
    }),
    ApiExtension('x-roles', [...options.roles]),
    ApiResponse({ status: options.status, description: options.status === 201 ? 'Written; the answer carries the log position reached' : 'OK', ...schema, ...content }),
  );
}

/** A route open without a token, documented the same way. */
export function PublicEndpoint(options: Omit<EndpointOptions, 'roles'>): MethodDecorator {
  const type = options.type;
  const schema = type === undefined ? {} : Array.isArray(type) ? { type: type[0], isArray: true } : { type };
  return applyDecorators(
    ApiOperation({ operationId: options.id, summary: `${options.summary} — no token needed`, ...(options.description === undefined ? {} : { description: options.description }) }),
    ApiResponse({ status: options.status, description: 'OK', ...schema }),
  );
}

/** An example of each code, with the figures it carries. */
const examples: Record<ApiErrorCode, { detail: string; figures?: Record<string, unknown> }> = {
  VALIDATION_FAILED: { detail: 'amount must be a decimal string such as "300000.00" (not a number), with at most two decimals', figures: { field: 'amount' } },
  UNAUTHENTICATED: { detail: 'send Authorization: Bearer <token> (mint one with `ledger token`)' },
  FORBIDDEN: { detail: 'this needs the role approver', figures: { required: 'approver' } },
  SEGREGATION_OF_DUTIES: { detail: 'the user who recorded a disbursement may not confirm it', figures: { actor: 'finance-liu' } },
  NOT_FOUND: { detail: 'application 684794fc-8566-5e41-937c-09a66ac4f07f does not exist', figures: { id: '684794fc-8566-5e41-937c-09a66ac4f07f' } },
  INVALID_TRANSITION: { detail: 'ApproveAward needs an application in notice; this one is approved', figures: { status: 'approved' } },
  CONCURRENCY_CONFLICT: { detail: 'ApproveAward kept conflicting with concurrent writes; try again', figures: { stream: 'budget-baoding-data-voucher-2026', attempts: '50' } },
  IDEMPOTENCY_KEY_REUSED: { detail: 'the idempotency key appr-1/7f3a was already used for a different request', figures: { commandId: 'appr-1/7f3a' } },
  ALREADY_EXISTS: { detail: 'enterprise 91130600MA00000016 is already registered', figures: { uscc: '91130600MA00000016' } },
  BUDGET_EXCEEDED: { detail: 'the award exceeds the remaining budget of baoding-rnd-project 2026', figures: { requested: '300000.00', remaining: '120000.00' } },
  ENTERPRISE_CAP_EXCEEDED: { detail: 'the award exceeds what the enterprise may still receive this year', figures: { requested: '300000.00', headroom: '0.00' } },
  INELIGIBLE_ENTERPRISE: { detail: 'the enterprise is flagged on major-tax-violation', figures: { list: 'major-tax-violation' } },
  DUPLICATE_INVOICE: {
    detail: 'invoice 1300251130-26030001 already backs application 5f53f636-5ae7-59c7-91cc-6ede18735ba6',
    figures: { invoiceNumber: '26030001', invoiceCode: '1300251130' },
  },
  NOTICE_NOT_ENDED: { detail: 'the public notice ends on 2026-04-09: approval is possible from the next day', figures: { endsOn: '2026-04-09' } },
  NOTICE_CLOSED: { detail: 'objections are filed while the notice runs; it ended on 2026-04-09', figures: { endsOn: '2026-04-09' } },
  OBJECTION_UNRESOLVED: { detail: 'an objection to this application is not resolved yet', figures: { objectionId: 'a4f1443c-7b27-587e-af56-544389ab89cb' } },
  AMOUNT_ABOVE_ENTITLEMENT: { detail: 'the amount is above the entitlement', figures: { requested: '300000.00', entitlement: '270000.00' } },
  NO_BUDGET: { detail: 'no budget is allocated to baoding-standards for 2027', figures: { programmeId: 'baoding-standards', year: 2027 } },
  MATTER_ALREADY_FUNDED: { detail: 'the matter is already funded under another programme', figures: { matterKey: 'M-2026-1' } },
  DISBURSEMENT_EXCEEDS_AWARD: { detail: 'the payments would exceed the award', figures: { requested: '300000.00', unpaid: '150000.00' } },
  CLAWBACK_EXCEEDS_PAID: { detail: 'a clawback is at most what was paid less what is already ordered', figures: { requested: '300000.00', available: '120000.00' } },
  RECOVERY_EXCEEDS_ORDERED: { detail: 'the receipt exceeds what is still to recover', figures: { requested: '100000.00', outstanding: '60000.00' } },
  DUPLICATE_PAYMENT_REFERENCE: { detail: 'payment reference GK-2026-0001 is already used', figures: { paymentRef: 'GK-2026-0001' } },
  CALENDAR_MISSING: { detail: 'the holidays of 2027 are not published: POST /api/calendar/years', figures: { year: 2027 } },
  APPLICATION_WINDOW_CLOSED: {
    detail: 'programme baoding-data-voucher (version 1) accepts applications from 2025-02-17 to 2028-02-16; today is 2028-02-17',
    figures: { programmeId: 'baoding-data-voucher', version: '1', lastApplicationDay: '2028-02-16', today: '2028-02-17' },
  },
  DATE_OUT_OF_RANGE: {
    detail: 'paidOn 2026-03-01 must lie between 2026-04-10 and 2026-05-06',
    figures: { field: 'paidOn', value: '2026-03-01', earliest: '2026-04-10', latest: '2026-05-06' },
  },
  CLAWBACK_OUTSTANDING: {
    detail: 'application 684794fc-8566-5e41-937c-09a66ac4f07f has 60000.00 of clawbacks outstanding: no payment until they are recovered or written off',
    figures: { applicationId: '684794fc-8566-5e41-937c-09a66ac4f07f', outstanding: '60000.00' },
  },
  PAYMENT_PENDING: {
    detail: 'the correction needs 30000.00 more from awards whose payments are recorded but not confirmed: the checker confirms or rejects disbursement 1b2c… first',
    figures: { applicationId: '684794fc-8566-5e41-937c-09a66ac4f07f', disbursementId: '1b2c8e9d-0f4a-5b6c-8d7e-9f0a1b2c3d4e' },
  },
  DECISION_NOT_RECORDED: {
    detail: 'decision 党组会议2026-07号 is not recorded: record it with POST /api/decisions and cite its id',
    figures: { decisionRef: '党组会议2026-07号' },
  },
  DECISION_MISMATCH: {
    detail: 'decision 3c1d… does not list application 6847…',
    figures: { decisionId: '3c1d5e7f-8a9b-5c0d-9e1f-2a3b4c5d6e7f', applicationId: '684794fc-8566-5e41-937c-09a66ac4f07f', reason: 'not-listed' },
  },
  AMOUNT_ABOVE_DECISION: {
    detail: 'the award of 105000.00 is above the 100000.00 the decision approved',
    figures: { applicationId: '684794fc-8566-5e41-937c-09a66ac4f07f', decisionId: '3c1d5e7f-8a9b-5c0d-9e1f-2a3b4c5d6e7f', decided: '100000.00', requested: '105000.00' },
  },
  AMOUNT_ABOVE_NOTICE: {
    detail: 'the award of 105000.00 is above the 90000.00 on the public notice: a new notice must list the higher amount',
    figures: { applicationId: '684794fc-8566-5e41-937c-09a66ac4f07f', noticeId: '0a1b2c3d-4e5f-5a6b-8c7d-9e0f1a2b3c4d', noticed: '90000.00', requested: '105000.00' },
  },
  NOTICE_STAGE_PENDING: {
    detail: 'the notice after city-re-review (确认主体) runs until 2026-04-09: the next stage is reviewed after it',
    figures: { applicationId: '684794fc-8566-5e41-937c-09a66ac4f07f', afterStage: 'city-re-review', noticeId: null, endsOn: '2026-04-09' },
  },
  RETROACTIVE_VERSION: {
    detail: 'version 2 of baoding-data-voucher would take effect on 2026-01-01, before today (2026-03-02): decisions already taken stand',
    figures: { programmeId: 'baoding-data-voucher', effectiveOn: '2026-01-01', earliest: '2026-03-02' },
  },
  RECOGNITION_ALREADY_AWARDED: {
    detail: 'KL-AI-001 of 91130600MA00000016 holds 500000.00 of baoding-innovation-platform already: the municipal level (200000.00) is no higher',
    figures: { programmeId: 'baoding-innovation-platform', uscc: '91130600MA00000016', matterKey: 'KL-AI-001', level: 'municipal', held: '500000.00' },
  },
  RATE_LIMITED: { detail: 'more than 600 requests in a minute', figures: { limitPerMinute: 600 } },
  INTERNAL: { detail: 'an unexpected error occurred; it has been logged' },
  BAD_URL_ENCODING: { detail: 'the path is not validly percent-encoded' },
  MALFORMED_REQUEST: { detail: 'the request could not be parsed as HTTP' },
  PAYLOAD_TOO_LARGE: { detail: 'the request body is larger than 1048576 bytes', figures: { limitBytes: 1048576 } },
  URI_TOO_LONG: { detail: 'the request path is longer than the service accepts' },
  UNSUPPORTED_MEDIA_TYPE: { detail: 'send the body as application/json' },
  HEADERS_TOO_LARGE: { detail: 'the request headers are larger than the service accepts' },
  STORE_UNAVAILABLE: { detail: 'the event store cannot be reached; try again' },
  NOT_READY: { detail: 'the read side has not reached position 208 yet', figures: { position: '200' } },
};

export const problemCodes = Object.keys(statusOf) as ApiErrorCode[];

const problemSchema = {
  type: 'object',
  description: "RFC 9457 problem details, with the ledger's stable `code` and the figures a user needs / 错误信息(RFC 9457)",
  required: ['type', 'title', 'status', 'code', 'detail', 'detailZh'],
  properties: {
    type: { type: 'string', format: 'uri-reference', description: 'A page of the service explaining the code (GET it)', example: '/problems/validation-failed' },
    title: { type: 'string', description: 'What the code means, in a sentence (branch on `code`, not on this)', example: 'The input is not valid' },
    status: { type: 'integer', example: 400 },
    code: { type: 'string', enum: problemCodes, description: 'Stable: clients branch on it / 稳定的错误代码' },
    detail: { type: 'string', description: 'What went wrong, in English' },
    detailZh: { type: 'string', description: '错误说明(中文)' },
    field: { type: 'string', description: 'VALIDATION_FAILED: the field, parameter or header at fault (items[0].amount); the first of `errors`' },
    errors: {
      type: 'array',
      description: 'VALIDATION_FAILED of a body or query: every failing field / 每个不符合要求的字段',
      items: {
        type: 'object',
        required: ['field', 'message', 'messageZh'],
        properties: { field: { type: 'string', example: 'items[0].amount' }, message: { type: 'string' }, messageZh: { type: 'string' } },
      },
    },
  },
  additionalProperties: true,
};

/** The codes each error status carries on a route: which route can answer which is the ledger's rules' business. */
function codesFor(status: number, write: boolean): ApiErrorCode[] {
  return problemCodes.filter((code) => statusOf[code] === status && (write || code !== 'SEGREGATION_OF_DUTIES'));
}

const statusDescriptions: Record<number, string> = {
  400: 'Invalid input: a body, parameter or header that does not hold / 输入不符合要求',
  401: 'No token, or a token this deployment did not sign / 未认证',
  403: 'A role without this right, or segregation of duties / 无权操作',
  404: 'No such resource / 对象不存在',
  409: 'A state that does not allow it, a concurrent write, or a reused idempotency key / 冲突',
  413: 'A body larger than the service accepts / 请求体过大',
  415: 'A body that is not application/json / 请求体须为 JSON',
  422: "Refused by the ledger's rules, with the figures / 业务规则不允许",
  429: 'Too many requests from this user / 请求过于频繁',
  500: 'An unexpected error, logged with the request id / 内部错误',
  503: 'The store or the read side is not ready: retry after Retry-After / 暂不可用',
};

const methods = ['get', 'post', 'put', 'patch', 'delete'] as const;

/** Adds the Problem schema, its examples, and each route's error answers to the generated document. */
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  const components = (document.components ??= {});
  (components.schemas ??= {})['Problem'] = problemSchema as never;
  const exampleObjects = (components.examples ??= {});
  for (const code of problemCodes) {
    const example = examples[code];
    exampleObjects[code] = { summary: `${statusOf[code]} ${code}`, value: problemOf(code, example.detail, example.figures ?? {}) };
  }
  for (const [path, item] of Object.entries(document.paths)) {
    for (const method of methods) {
      const operation = item[method];
      if (operation === undefined) continue;
      const write = method !== 'get';
      const secured = (operation.security ?? document.security ?? []).length > 0;
      const statuses = [
        400,
        ...(secured ? [401, 403, 429] : []),
        ...(path.includes('{') ? [404] : []),
        ...(write ? [409, 413, 415, 422] : []),
        500,
        ...(path.startsWith('/api') ? [503] : []),
      ];
      for (const status of statuses) {
        const key = String(status);
        if (operation.responses[key] !== undefined) continue;
        const codes = codesFor(status, write);
        operation.responses[key] = {
          description: statusDescriptions[status] ?? 'Error',
          content: {
            'application/problem+json': {
              schema: { $ref: '#/components/schemas/Problem' },
              examples: Object.fromEntries(codes.map((code) => [code, { $ref: `#/components/examples/${code}` }])),
            },
          },
        };
      }
    }
  }
  return document;
}
