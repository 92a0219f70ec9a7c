// Query parameters of the API's reads, as DTOs the global validation pipe checks like bodies: known
// parameters only (an unknown one is a 400 naming it, not silently ignored), each in its format, and
// documented in OpenAPI from the same declarations. Values stay strings here; the controller turns
// them into numbers, positions and as-of points with the functions below.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, Matches, ValidateBy, type ValidationOptions } from 'class-validator';
import { keyPattern, usccPattern } from '../shared/patterns.js';
import { isCalendarDate, isInstant } from '../shared/time.js';
import type { AsOf } from '../projections/queries.js';
import { exportViews } from '../audit/export.js';

/** Positions are below 2⁶³ on every store (SQLite and PostgreSQL integers; KurrentDB's are packed to fit). */
const positionLimit = 1n << 63n;
const positionPattern = /^[0-9]{1,19}$/;

export function isPosition(value: unknown): value is string {
  return typeof value === 'string' && positionPattern.test(value) && BigInt(value) < positionLimit;
}

/**
 * `?asOf=`: a log position, an ISO instant (the log up to the last event recorded at or before it),
 * or a calendar date (up to the end of that day in Asia/Shanghai, the ledger's time zone).
 */
export function asOfOf(text: string | undefined): AsOf | undefined {
  if (text === undefined) return undefined;
  if (isPosition(text)) return { position: BigInt(text) };
  if (isCalendarDate(text)) return { time: new Date(`${text}T23:59:59.999+08:00`).toISOString() };
  if (isInstant(text)) return { time: new Date(text).toISOString() };
  throw new Error(`asOf ${text} reached the controller unchecked`);
}

export function isAsOf(value: unknown): value is string {
  return typeof value === 'string' && (isPosition(value) || isCalendarDate(value) || isInstant(value));
}

export const asOfMessage = 'asOf must be a log position, a date such as 2025-07-01 or an ISO instant such as 2025-07-01T00:00:00+08:00';

function IsAsOf(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({ name: 'isAsOf', validator: { validate: isAsOf, defaultMessage: () => asOfMessage } }, options);
}

function IsPosition(field: string): PropertyDecorator {
  return ValidateBy({ name: 'isPosition', validator: { validate: isPosition, defaultMessage: () => `${field} must be a log position (digits, below 2^63)` } });
}

/** An integer written in digits, within a range. */
function IsIntegerText(field: string, min: number, max: number): PropertyDecorator {
  const validate = (value: unknown) => typeof value === 'string' && /^[0-9]{1,15}$/.test(value) && Number(value) >= min && Number(value) <= max;
  return ValidateBy({ name: 'isIntegerText', validator: { validate, defaultMessage: () => `${field} must be an integer from ${min} to ${max}` } });
}

/** The number of an integer the DTO has checked (or undefined when absent). */
export function integerOf(text: string | undefined): number | undefined {
  return text === undefined ? undefined : Number(text);
}

export function positionOf(text: string | undefined): bigint | undefined {
  return text === undefined ? undefined : BigInt(text);
}

export const applicationStatuses = ['submitted', 'in_review', 'reviewed', 'in_notice', 'approved', 'rejected', 'withdrawn', 'revoked'] as const;
export const exportFormats = ['jsonl', 'csv', 'xlsx'] as const;

export const applicationPageSizeMax = 500;
export const exportEventCountMax = 1_000_000;

const positionProperty = { type: String, pattern: positionPattern.source, example: '1024' } as const;

/** Every read: `?minPosition=` (read your writes). */
export class ReadQueryDto {
  @ApiPropertyOptional({
    ...positionProperty,
    description: 'Wait (up to 5 s) until the read side has reached this log position, e.g. the `position` a write answered / 等待查询数据更新到该日志位置',
  })
  @IsOptional()
  @IsPosition('minPosition')
  minPosition?: string;
}

export const listingFormats = ['json', 'csv'] as const;

export class ListingQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'json (the record) or csv (the listing, for Excel) / 格式', enum: listingFormats, default: 'json' })
  @IsOptional()
  @IsIn(listingFormats)
  format?: (typeof listingFormats)[number];
}

export class ApplicationsQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'Programme / 支持政策', pattern: keyPattern.source, example: 'baoding-data-voucher' })
  @IsOptional()
  @Matches(keyPattern, { message: 'programmeId must be a programme id such as baoding-data-voucher' })
  programmeId?: string;

  @ApiPropertyOptional({ description: 'Fiscal year / 申报年度', type: 'integer', minimum: 2000, maximum: 2100, example: 2026 })
  @IsOptional()
  @IsIntegerText('fiscalYear', 2000, 2100)
  fiscalYear?: string;

  @ApiPropertyOptional({ description: 'Status / 状态', enum: applicationStatuses })
  @IsOptional()
  @IsIn(applicationStatuses, { message: `status must be one of ${applicationStatuses.join(', ')}` })
  status?: string;

  @ApiPropertyOptional({ description: 'Enterprise / 统一社会信用代码', pattern: usccPattern.source, example: '91130600MA0000001U' })
  @IsOptional()
  @Matches(usccPattern, { message: 'uscc must be an 18-character unified social credit code' })
  uscc?: string;

  @ApiPropertyOptional({ description: 'District / 区县', maxLength: 100, example: '竞秀区' })
  @IsOptional()
  @Matches(/^.{1,100}$/u, { message: 'district must be 1 to 100 characters' })
  district?: string;

  @ApiPropertyOptional({ description: 'Page size / 每页条数', type: 'integer', minimum: 1, maximum: applicationPageSizeMax, default: 100 })
  @IsOptional()
  @IsIntegerText('limit', 1, applicationPageSizeMax)
  limit?: string;

  @ApiPropertyOptional({ description: 'Rows to skip / 跳过条数', type: 'integer', minimum: 0, maximum: 10_000_000, default: 0 })
  @IsOptional()
  @IsIntegerText('offset', 0, 10_000_000)
  offset?: string;
}

export class ApprovalQueueQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'Programme / 支持政策', pattern: keyPattern.source, example: 'baoding-data-voucher' })
  @IsOptional()
  @Matches(keyPattern, { message: 'programmeId must be a programme id such as baoding-data-voucher' })
  programmeId?: string;
}

const asOfProperty = {
  type: String,
  description:
    'As of a log position, an ISO-8601 instant (the log up to the last event recorded at or before it) or a date (up to the end of that day, Asia/Shanghai) / 截至某日志位置、时刻或日期',
  example: '2026-06-30',
} as const;

export class BudgetQueryDto extends ReadQueryDto {
  @ApiPropertyOptional(asOfProperty)
  @IsOptional()
  @IsAsOf()
  asOf?: string;
}

export class EnterpriseTotalsQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'One fiscal year only / 仅该财政年度', type: 'integer', minimum: 2000, maximum: 2100, example: 2026 })
  @IsOptional()
  @IsIntegerText('year', 2000, 2100)
  year?: string;

  @ApiPropertyOptional(asOfProperty)
  @IsOptional()
  @IsAsOf()
  asOf?: string;
}

export class AuditEventsQueryDto {
  @ApiPropertyOptional({ ...positionProperty, description: 'First log position to export (default 1) / 起始日志位置' })
  @IsOptional()
  @IsPosition('fromPosition')
  fromPosition?: string;

  @ApiPropertyOptional({ description: 'Most events to export / 最多导出条数', type: 'integer', minimum: 1, maximum: exportEventCountMax })
  @IsOptional()
  @IsIntegerText('limit', 1, exportEventCountMax)
  limit?: string;

  @ApiPropertyOptional({ description: 'jsonl (every field), csv or xlsx (for Excel) / 导出格式', enum: exportFormats, default: 'jsonl' })
  @IsOptional()
  @IsIn(exportFormats, { message: 'format must be jsonl, csv or xlsx' })
  format?: (typeof exportFormats)[number];

  @ApiPropertyOptional({ description: 'For csv and xlsx: the business view or the raw events / 业务视图或原始事件', enum: exportViews, default: 'business' })
  @IsOptional()
  @IsIn(exportViews, { message: 'view must be business or events' })
  view?: (typeof exportViews)[number];
}

/** The console's budget breakdown: `?asOf=` as on the budget. */
// The console's work lists take `minPosition` as every read does (the console sends it after a write);
// they catch up from the log itself on every question, so they are never behind it.
export class BreakdownQueryDto extends ReadQueryDto {
  @ApiPropertyOptional(asOfProperty)
  @IsOptional()
  @IsAsOf()
  asOf?: string;
}

export const disbursementStatuses = ['recorded', 'confirmed', 'rejected'] as const;

export class DisbursementsQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'Only payments in this state / 拨付状态', enum: disbursementStatuses })
  @IsOptional()
  @IsIn(disbursementStatuses, { message: `status must be one of ${disbursementStatuses.join(', ')}` })
  status?: (typeof disbursementStatuses)[number];

  @ApiPropertyOptional({ description: 'Only the latest N recorded, newest first (1–500) / 最近N笔', pattern: '^[0-9]{1,3}$' })
  @IsOptional()
  @IsIntegerText('latest', 1, 500)
  latest?: string;
}

export class ClawbacksQueryDto extends ReadQueryDto {
  @ApiPropertyOptional({ description: 'Only clawbacks with something left to recover (default true) / 仅未收回完毕的', enum: ['true', 'false'], default: 'true' })
  @IsOptional()
  @IsIn(['true', 'false'], { message: 'outstanding must be true or false' })
  outstanding?: string;
}

export const searchTextLengthMax = 64;

export class EnterpriseSearchQueryDto extends ReadQueryDto {
  @ApiProperty({ description: 'Part of a name or a USCC / 企业名称或代码的一部分', minLength: 1, maxLength: searchTextLengthMax, example: '智云' })
  @Matches(new RegExp(`^(?=.*\\S).{1,${searchTextLengthMax}}$`, 'u'), { message: `q must be part of a name or a USCC (1 to ${searchTextLengthMax} characters)` })
  q!: string;
}
