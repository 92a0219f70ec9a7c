// RFC 9457 problem details: every error of the API, with a stable `code`, a detail in English and in
// Chinese, and the figures a user needs. Mapped here once for the whole API.
import type { ErrorCode } from '../shared/errors.js';

/**
 * The codes of the HTTP layer besides the ledger's: authentication, readiness, limits, and the refusals
 * the framework itself makes before a route runs (a path too long, a bad URL encoding, headers or a
 * body too large, a body that is not JSON).
 */
export type ApiErrorCode =
  | ErrorCode
  | 'UNAUTHENTICATED'
  | 'NOT_READY'
  | 'RATE_LIMITED'
  | 'INTERNAL'
  | 'URI_TOO_LONG'
  | 'BAD_URL_ENCODING'
  | 'HEADERS_TOO_LARGE'
  | 'PAYLOAD_TOO_LARGE'
  | 'UNSUPPORTED_MEDIA_TYPE'
  | 'MALFORMED_REQUEST';

export interface Problem {
  readonly type: string;
  readonly title: string;
  readonly status: number;
  readonly code: ApiErrorCode;
  readonly detail: string;
  readonly detailZh: string;
  readonly [figure: string]: unknown;
}

/** The HTTP status of each code: one map for the whole API (and its OpenAPI document). */
export const statusOf: Readonly<Record<ApiErrorCode, number>> = {
  VALIDATION_FAILED: 400,
  BAD_URL_ENCODING: 400,
  MALFORMED_REQUEST: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  SEGREGATION_OF_DUTIES: 403,
  NOT_FOUND: 404,
  INVALID_TRANSITION: 409,
  CONCURRENCY_CONFLICT: 409,
  IDEMPOTENCY_KEY_REUSED: 409,
  ALREADY_EXISTS: 409,
  BUDGET_EXCEEDED: 422,
  ENTERPRISE_CAP_EXCEEDED: 422,
  INELIGIBLE_ENTERPRISE: 422,
  DUPLICATE_INVOICE: 422,
  NOTICE_NOT_ENDED: 422,
  NOTICE_CLOSED: 422,
  OBJECTION_UNRESOLVED: 422,
  AMOUNT_ABOVE_ENTITLEMENT: 422,
  NO_BUDGET: 422,
  MATTER_ALREADY_FUNDED: 422,
  DISBURSEMENT_EXCEEDS_AWARD: 422,
  CLAWBACK_EXCEEDS_PAID: 422,
  RECOVERY_EXCEEDS_ORDERED: 422,
  DUPLICATE_PAYMENT_REFERENCE: 422,
  CALENDAR_MISSING: 422,
  APPLICATION_WINDOW_CLOSED: 422,
  DATE_OUT_OF_RANGE: 422,
  CLAWBACK_OUTSTANDING: 422,
  PAYMENT_PENDING: 422,
  DECISION_NOT_RECORDED: 422,
  DECISION_MISMATCH: 422,
  AMOUNT_ABOVE_DECISION: 422,
  AMOUNT_ABOVE_NOTICE: 422,
  NOTICE_STAGE_PENDING: 422,
  RETROACTIVE_VERSION: 422,
  RECOGNITION_ALREADY_AWARDED: 422,
  PAYLOAD_TOO_LARGE: 413,
  URI_TOO_LONG: 414,
  UNSUPPORTED_MEDIA_TYPE: 415,
  RATE_LIMITED: 429,
  HEADERS_TOO_LARGE: 431,
  INTERNAL: 500,
  STORE_UNAVAILABLE: 503,
  NOT_READY: 503,
};

export const titleZh: Readonly<Record<ApiErrorCode, string>> = {
  VALIDATION_FAILED: '输入不符合要求',
  BAD_URL_ENCODING: '网址编码无效',
  MALFORMED_REQUEST: '请求格式无效',
  UNAUTHENTICATED: '未认证或令牌无效',
  FORBIDDEN: '无权执行此操作',
  SEGREGATION_OF_DUTIES: '违反不相容岗位分离要求',
  NOT_FOUND: '对象不存在',
  INVALID_TRANSITION: '当前状态不允许此操作',
  CONCURRENCY_CONFLICT: '并发冲突,请重试',
  IDEMPOTENCY_KEY_REUSED: '幂等键已用于其他请求',
  ALREADY_EXISTS: '对象已存在',
  BUDGET_EXCEEDED: '超出年度预算',
  ENTERPRISE_CAP_EXCEEDED: '超出企业年度奖励上限',
  INELIGIBLE_ENTERPRISE: '企业不符合申报条件',
  DUPLICATE_INVOICE: '发票已用于其他申请',
  NOTICE_NOT_ENDED: '公示期未结束',
  NOTICE_CLOSED: '不在公示期内',
  OBJECTION_UNRESOLVED: '存在未处理的异议',
  AMOUNT_ABOVE_ENTITLEMENT: '金额超过核定可享金额',
  NO_BUDGET: '该年度尚未安排预算',
  MATTER_ALREADY_FUNDED: '同一事项已获支持',
  DISBURSEMENT_EXCEEDS_AWARD: '拨付金额超过奖励金额',
  CLAWBACK_EXCEEDS_PAID: '追回金额超过已拨付金额',
  RECOVERY_EXCEEDS_ORDERED: '收回金额超过应追回金额',
  DUPLICATE_PAYMENT_REFERENCE: '支付凭证号重复',
  CALENDAR_MISSING: '缺少该年度节假日安排',
  APPLICATION_WINDOW_CLOSED: '已过申报截止日期',
  DATE_OUT_OF_RANGE: '日期不在允许范围内',
  CLAWBACK_OUTSTANDING: '存在未完成的追回,暂停拨付',
  PAYMENT_PENDING: '存在待复核的拨付,请先复核',
  DECISION_NOT_RECORDED: '所引集体研究决定未登记',
  DECISION_MISMATCH: '集体研究决定与本申请不符',
  AMOUNT_ABOVE_DECISION: '金额超过集体研究决定的金额',
  AMOUNT_ABOVE_NOTICE: '金额超过公示的拟奖励金额',
  NOTICE_STAGE_PENDING: '本阶段公示尚未完成',
  RETROACTIVE_VERSION: '新版本不得早于今日或已发布版本生效',
  RECOGNITION_ALREADY_AWARDED: '该平台(标准)已按同级或更高级别获得奖励',
  PAYLOAD_TOO_LARGE: '请求体过大',
  URI_TOO_LONG: '请求网址过长',
  UNSUPPORTED_MEDIA_TYPE: '请求体须为 JSON',
  RATE_LIMITED: '请求过于频繁',
  HEADERS_TOO_LARGE: '请求头过大',
  INTERNAL: '服务内部错误',
  STORE_UNAVAILABLE: '存储暂不可用',
  NOT_READY: '查询数据尚未更新到所需位置',
};

/** What each code means, in a sentence: the problem's `title`, and the page its `type` points to. */
export const titleEn: Readonly<Record<ApiErrorCode, string>> = {
  VALIDATION_FAILED: 'The input is not valid',
  BAD_URL_ENCODING: 'The URL is not validly percent-encoded',
  MALFORMED_REQUEST: 'The request cannot be parsed',
  UNAUTHENTICATED: 'No valid token',
  FORBIDDEN: 'Not allowed for your roles',
  SEGREGATION_OF_DUTIES: 'Segregation of duties forbids it',
  NOT_FOUND: 'No such resource',
  INVALID_TRANSITION: 'Not allowed in the current state',
  CONCURRENCY_CONFLICT: 'Concurrent writes conflicted; try again',
  IDEMPOTENCY_KEY_REUSED: 'The idempotency key was used for another request',
  ALREADY_EXISTS: 'It exists already',
  BUDGET_EXCEEDED: 'The budget of the year is exceeded',
  ENTERPRISE_CAP_EXCEEDED: "The enterprise's yearly cap is exceeded",
  INELIGIBLE_ENTERPRISE: 'The enterprise is not eligible',
  DUPLICATE_INVOICE: 'The invoice backs another application',
  NOTICE_NOT_ENDED: 'The public notice has not ended',
  NOTICE_CLOSED: 'The public notice is not running',
  OBJECTION_UNRESOLVED: 'An objection is unresolved',
  AMOUNT_ABOVE_ENTITLEMENT: 'The amount is above the entitlement',
  NO_BUDGET: 'No budget is allocated for the year',
  MATTER_ALREADY_FUNDED: 'The matter is funded already',
  DISBURSEMENT_EXCEEDS_AWARD: 'The payments would exceed the award',
  CLAWBACK_EXCEEDS_PAID: 'The clawback exceeds what was paid',
  RECOVERY_EXCEEDS_ORDERED: 'The receipt exceeds what is to recover',
  DUPLICATE_PAYMENT_REFERENCE: 'The payment reference is used already',
  CALENDAR_MISSING: 'The holidays of the year are not published',
  APPLICATION_WINDOW_CLOSED: 'The application window is closed',
  DATE_OUT_OF_RANGE: 'The date is out of range',
  CLAWBACK_OUTSTANDING: 'A clawback is outstanding',
  PAYMENT_PENDING: 'A payment awaits its check',
  DECISION_NOT_RECORDED: 'The cited collective decision is not recorded',
  DECISION_MISMATCH: 'The collective decision does not cover this approval',
  AMOUNT_ABOVE_DECISION: 'The amount is above what the collective decision approved',
  AMOUNT_ABOVE_NOTICE: 'The amount is above the proposed award on the public notice',
  NOTICE_STAGE_PENDING: "The stage's public notice is not complete",
  RETROACTIVE_VERSION: 'A version cannot take effect before today or before an earlier version',
  RECOGNITION_ALREADY_AWARDED: 'The platform or standard is awarded at this level or higher already',
  PAYLOAD_TOO_LARGE: 'The request body is too large',
  URI_TOO_LONG: 'The request path is too long',
  UNSUPPORTED_MEDIA_TYPE: 'The body must be application/json',
  RATE_LIMITED: 'Too many requests',
  HEADERS_TOO_LARGE: 'The request headers are too large',
  INTERNAL: 'An unexpected error',
  STORE_UNAVAILABLE: 'The store is unavailable',
  NOT_READY: 'The read side has not caught up yet',
};

/** The path of the page that explains a code (GET it from the service): `/problems/validation-failed`. */
export function problemPathOf(code: ApiErrorCode): string {
  return `/problems/${code.toLowerCase().replace(/_/g, '-')}`;
}

/** The code a page's path names, if any. */
export function codeOfProblemSlug(slug: string): ApiErrorCode | undefined {
  const code = slug.toUpperCase().replace(/-/g, '_');
  return Object.hasOwn(statusOf, code) ? (code as ApiErrorCode) : undefined;
}

export function problemOf(code: ApiErrorCode, detail: string, figures: Readonly<Record<string, unknown>> = {}): Problem {
  const status = statusOf[code];
  return {
    ...figures,
    // A reference relative to the service (RFC 9457 §3.1.1): GET it for the page that explains the code.
    type: problemPathOf(code),
    title: titleEn[code],
    status,
    code,
    detail,
    detailZh: titleZh[code],
  };
}
