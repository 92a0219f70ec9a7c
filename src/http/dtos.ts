// Request bodies of the API: validated here (class-validator: known fields only, money as decimal
// strings, codes and dates in their formats) and documented in OpenAPI in English and Chinese. The
// patterns and lists come from shared/patterns.ts, which the ledger's own parser uses too (the CLI and
// other callers have no DTOs), so the two checks cannot drift apart.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  datePattern,
  enterpriseTags,
  flagLists,
  invoiceNumberPattern,
  isReadableName,
  jurisdictions,
  keyPattern,
  moneyPattern,
  objectionOutcomes,
  reviewOutcomes,
  usccPattern,
  voucherCategories,
} from '../shared/patterns.js';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { isInstant } from '../shared/time.js';
import { programmeDefinitionJsonSchema } from '../programmes/schema.js';
import { IsObject } from 'class-validator';

/** A name a person can read (shared/patterns.ts): no control, bidi-override or zero-width character, not blank-looking. */
function IsName(): PropertyDecorator {
  return ValidateBy({
    name: 'isName',
    validator: {
      validate: isReadableName,
      defaultMessage: (args) => `${args?.property ?? 'name'} must be a readable name: no control, bidi-override or zero-width characters, and not blank`,
    },
  });
}

/** An ISO-8601 instant with its zone, each part in range: not `2025-02-30T00:00:00Z`, not an RFC 2822 date. */
function IsInstant(): PropertyDecorator {
  return ValidateBy({
    name: 'isInstant',
    validator: { validate: isInstant, defaultMessage: (args) => `${args?.property ?? 'instant'} must be an ISO 8601 instant with a zone, such as 2025-07-01T09:30:00+08:00` },
  });
}

/** A decimal string of yuan with at most two decimals (SPEC §1). Range and zero are the ledger's to refuse. */
const money = moneyPattern;
const date = datePattern;
const uscc = usccPattern;
const key = keyPattern;

/** How OpenAPI shows them: a string with the pattern the DTO checks, and a format a client can map. */
const moneyDoc = { type: String, format: 'decimal', pattern: moneyPattern.source } as const;
const dateDoc = { type: String, format: 'date', pattern: datePattern.source } as const;
const usccDoc = { type: String, pattern: usccPattern.source } as const;

const moneyMessage = 'must be a decimal string such as "300000.00" (not a number), with at most two decimals';

export class AllocateBudgetDto {
  @ApiProperty({ description: 'Fiscal year (Asia/Shanghai) / 财政年度', example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiProperty({ ...moneyDoc, description: 'Amount allocated, yuan / 安排预算金额(元)', example: '5000000.00' })
  @IsString()
  @Matches(money, { message: `amount ${moneyMessage}` })
  amount!: string;
}

/**
 * A programme definition as the schema of src/programmes/schema.ts states it (shown here as its JSON
 * Schema). The DTO checks only that it is an object: the ledger's parser checks it field by field, the
 * same for the API and the CLI's definition files.
 */
const definitionDoc = {
  ...programmeDefinitionJsonSchema(),
  description: 'Programme definition (rates, caps, thresholds, categories, stages, notice stages, window, budget rule) / 政策定义',
};
delete (definitionDoc as Record<string, unknown>)['$schema'];

export class PublishProgrammeDto {
  @ApiProperty(definitionDoc)
  @IsObject()
  definition!: Record<string, unknown>;
}

export class PublishProgrammeVersionDto {
  @ApiProperty({ ...dateDoc, description: 'First day decisions use this version (today or later) / 新版本施行日期', example: '2026-07-01' })
  @Matches(date)
  effectiveOn!: string;

  @ApiProperty(definitionDoc)
  @IsObject()
  definition!: Record<string, unknown>;
}

export class HolidayYearDto {
  @ApiProperty({ description: 'Year / 年份', example: 2026 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  year!: number;

  @ApiProperty({ description: 'Days off on weekdays / 法定节假日(工作日放假)', type: [String], example: ['2026-01-01'] })
  @IsArray()
  @ArrayMaxSize(366)
  @Matches(date, { each: true })
  holidays!: string[];

  @ApiProperty({ description: 'Weekend days worked / 调休上班的周末', type: [String], example: [] })
  @IsArray()
  @ArrayMaxSize(366)
  @Matches(date, { each: true })
  workdays!: string[];

  @ApiProperty({ description: 'Source, e.g. the State Council notice / 依据(国务院办公厅通知文号)', example: '国办发明电〔2025〕7号' })
  @IsString()
  @Length(1, 200)
  @IsName()
  source!: string;
}

export class UsccOverrideDto {
  @ApiProperty({ description: 'Why a code failing its check character is genuine / 早期赋码未通过校验位的说明' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class RegisterEnterpriseDto {
  @ApiProperty({ ...usccDoc, description: 'Unified social credit code / 统一社会信用代码', example: '91130600000000001A' })
  @Matches(uscc, { message: 'uscc must be an 18-character unified social credit code' })
  uscc!: string;

  @ApiProperty({ description: 'Registered name: no control, bidi-override or zero-width characters / 企业名称', example: '保定某数据科技有限公司' })
  @IsString()
  @Length(1, 200)
  @IsName()
  name!: string;

  @ApiProperty({ description: 'City of registration / 注册地', enum: jurisdictions })
  @IsIn(jurisdictions)
  city!: string;

  @ApiPropertyOptional({ description: 'District / 区县', example: '竞秀区' })
  @IsOptional()
  @IsString()
  @Length(1, 100)
  @IsName()
  district?: string;

  @ApiPropertyOptional({
    description: 'Priority tags, from the known set only: each puts the enterprise first in the approval queue / 优先支持标签(仅限所列标签)',
    example: ['specialized-little-giant'],
    type: [String],
    enum: enterpriseTags,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsIn(enterpriseTags, { each: true })
  tags?: string[];

  @ApiPropertyOptional({ description: 'Administrators only: register a code that fails its check / 仅管理员:登记未通过校验的早期代码', type: UsccOverrideDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => UsccOverrideDto)
  usccCheckOverride?: UsccOverrideDto;
}

export class RaiseFlagDto {
  @ApiProperty({
    description: 'List / 名单',
    enum: flagLists,
  })
  @IsIn(flagLists)
  list!: string;

  @ApiProperty({ description: 'Where it was found / 信息来源', example: '信用中国' })
  @IsString()
  @Length(1, 500)
  @IsName()
  source!: string;

  @ApiProperty({ ...dateDoc, description: 'In force since (for a safety accident: its date) / 起始日期', example: '2025-01-01' })
  @Matches(date)
  since!: string;

  @ApiPropertyOptional({ ...dateDoc, description: 'Last day of a ban / 禁入截止日期', example: '2027-12-31' })
  @IsOptional()
  @Matches(date)
  until?: string;

  @ApiPropertyOptional({ description: 'Evidence reference / 证据编号' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsName()
  evidenceRef?: string;

  @ApiPropertyOptional({ description: 'When the list was checked: an ISO 8601 instant with a zone / 核查时间(带时区)', format: 'date-time', example: '2025-07-01T09:30:00+08:00' })
  @IsOptional()
  @IsString()
  @Length(1, 40)
  @IsInstant()
  checkedAt?: string;
}

export class ReasonDto {
  @ApiPropertyOptional({ description: 'Reason / 理由' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class RequiredReasonDto {
  @ApiProperty({ description: 'Reason / 理由' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class ItemDto {
  @ApiProperty({ description: 'Invoice number, 8 or 20 digits / 发票号码', example: '12345678' })
  @Matches(invoiceNumberPattern, { message: 'invoiceNumber must be 8 or 20 digits' })
  invoiceNumber!: string;

  @ApiProperty({ ...dateDoc, description: 'Invoice date / 开票日期', example: '2025-05-20' })
  @Matches(date)
  invoiceDate!: string;

  @ApiProperty({ ...moneyDoc, description: 'Amount, yuan / 金额(元)', example: '350000.00' })
  @IsString()
  @Matches(money, { message: `amount ${moneyMessage}` })
  amount!: string;

  @ApiPropertyOptional({
    description: 'Kind of spend (数智券: required) / 支出类别',
    enum: voucherCategories,
  })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  category?: string;
}

export class RecognitionDto {
  @ApiProperty({ description: 'Reference of the recognizing document / 认定文件文号', example: '冀科平台认〔2026〕8号' })
  @IsString()
  @Length(1, 200)
  @IsName()
  documentRef!: string;

  @ApiProperty({ description: 'Issuing body / 认定机构', example: '河北省科学技术厅' })
  @IsString()
  @Length(1, 200)
  @IsName()
  issuer!: string;

  @ApiProperty({ ...dateDoc, description: 'Day it was issued (in the fiscal year applied for) / 认定日期', example: '2026-01-08' })
  @Matches(date)
  issuedOn!: string;
}

export class SubmitApplicationDto {
  @ApiProperty({ description: 'Programme / 支持政策', example: 'baoding-data-voucher' })
  @Matches(key)
  programmeId!: string;

  @ApiProperty({ ...usccDoc, description: 'Enterprise / 申报单位统一社会信用代码' })
  @Matches(uscc)
  uscc!: string;

  @ApiProperty({ description: 'Fiscal year / 申报年度', example: 2025 })
  @IsInt()
  @Min(2000)
  @Max(2100)
  fiscalYear!: number;

  @ApiPropertyOptional({ description: 'The matter, for 就高不重复 across programmes / 申报事项标识(就高不重复)' })
  @IsOptional()
  @Matches(key)
  matterKey?: string;

  @ApiPropertyOptional({ description: 'Level of a fixed award / 奖励级别', example: 'national' })
  @IsOptional()
  @IsString()
  @Length(1, 64)
  level?: string;

  @ApiPropertyOptional({ description: 'National or provincial approval reference (立项) / 立项文号' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsName()
  approvalRef?: string;

  @ApiPropertyOptional({ description: 'Items claimed (none for a recognition award) / 申报明细(认定类奖励不填)', type: [ItemDto] })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => ItemDto)
  items?: ItemDto[];

  @ApiPropertyOptional({
    description:
      'For a recognition award (platforms, standards) instead of items; matterKey then names the platform or standard / 认定类奖励的认定文件(此时 matterKey 为平台或标准标识)',
    type: () => RecognitionDto,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => RecognitionDto)
  recognition?: RecognitionDto;
}

export class ReviewDto {
  @ApiProperty({ description: "Stage, in the programme's order / 审核环节", example: 'district-preliminary' })
  @IsString()
  @Length(1, 64)
  stage!: string;

  @ApiProperty({ description: 'Outcome / 审核结论', enum: reviewOutcomes })
  @IsIn(reviewOutcomes)
  outcome!: string;

  @ApiPropertyOptional({ ...moneyDoc, description: 'Recognized amount, yuan / 认定金额(元)', example: '300000.00' })
  @IsOptional()
  @IsString()
  @Matches(money, { message: `recognizedAmount ${moneyMessage}` })
  recognizedAmount?: string;

  @ApiPropertyOptional({ description: 'Reason (required to reject) / 理由(不通过时必填)' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class OpenNoticeDto {
  @ApiProperty({ description: 'Programme / 支持政策' })
  @Matches(key)
  programmeId!: string;

  @ApiProperty({ description: 'Applications on the notice / 公示的申请', type: [String] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @Matches(key, { each: true })
  applicationIds!: string[];

  @ApiProperty({ ...dateDoc, description: 'First day (not counted in the period) / 公示开始日期(当日不计入)', example: '2025-06-03' })
  @Matches(date)
  opensOn!: string;
}

export class ObjectionDto {
  @ApiProperty({ description: 'Application objected to / 被异议的申请' })
  @Matches(key)
  applicationId!: string;

  @ApiProperty({ description: 'Summary of the objection / 异议摘要' })
  @IsString()
  @Length(1, 2000)
  summary!: string;
}

export class ResolutionDto {
  @ApiProperty({ description: 'Outcome / 处理结论', enum: objectionOutcomes })
  @IsIn(objectionOutcomes)
  outcome!: string;

  @ApiProperty({ description: 'Reason / 理由' })
  @IsString()
  @Length(1, 2000)
  reason!: string;
}

export class CaseByCaseDto {
  @ApiProperty({ description: 'Justification of the 一事一议 decision / 一事一议说明' })
  @IsString()
  @Length(1, 2000)
  justification!: string;
}

export class ApprovalDto {
  @ApiProperty({ description: 'Reference of the collective decision / 集体研究决定文号', example: '党组会议2025-7' })
  @IsString()
  @Length(1, 200)
  @IsName()
  decisionRef!: string;

  @ApiPropertyOptional({ ...moneyDoc, description: 'A lower amount than the entitlement, yuan / 核减后的奖励金额(元)' })
  @IsOptional()
  @IsString()
  @Matches(money, { message: `amount ${moneyMessage}` })
  amount?: string;

  @ApiPropertyOptional({ description: '一事一议: lifts the caps, never the budget / 一事一议(不突破预算)', type: CaseByCaseDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => CaseByCaseDto)
  caseByCase?: CaseByCaseDto;
}

export class DisbursementDto {
  @ApiProperty({ ...moneyDoc, description: 'Amount, yuan / 拨付金额(元)', example: '300000.00' })
  @IsString()
  @Matches(money, { message: `amount ${moneyMessage}` })
  amount!: string;

  @ApiProperty({ description: 'Payment reference, unique / 支付凭证号(唯一)', example: 'PAY-2025-0001' })
  @Matches(key)
  paymentRef!: string;

  @ApiProperty({ ...dateDoc, description: 'Day paid / 支付日期', example: '2025-06-20' })
  @Matches(date)
  paidOn!: string;
}

export class ClawbackDto {
  @ApiProperty({ ...moneyDoc, description: 'Amount to recover, yuan / 追回金额(元)' })
  @IsString()
  @Matches(money, { message: `amount ${moneyMessage}` })
  amount!: string;

  @ApiProperty({ description: 'Reason / 追回理由' })
  @IsString()
  @Length(1, 2000)
  reason!: string;

  @ApiPropertyOptional({ description: 'Fraud: flags the enterprise / 骗取资金(列入名单)' })
  @IsOptional()
  @IsBoolean()
  fraud?: boolean;

  @ApiPropertyOptional({
    description:
      "The application's spend no longer counts (false invoices, fraud; defaults to `fraud`): its enterprise-year or project is recomputed / 取消其认定支出并重新计算(默认同 fraud)",
  })
  @IsOptional()
  @IsBoolean()
  disqualifiesSpend?: boolean;
}

export class RecoveryDto {
  @ApiProperty({ ...moneyDoc, description: 'Amount received, yuan / 收回金额(元)' })
  @IsString()
  @Matches(money, { message: `amount ${moneyMessage}` })
  amount!: string;

  @ApiProperty({ ...dateDoc, description: 'Day received / 收款日期' })
  @Matches(date)
  receivedOn!: string;

  @ApiProperty({ description: 'Receipt reference / 收款凭证号' })
  @IsString()
  @Length(1, 100)
  @IsName()
  receiptRef!: string;
}

export class VerifyDto {
  @ApiPropertyOptional({ description: 'A digest saved earlier (GET /api/audit/digest), or an array of them (checkpoint file lines) / 先前保存的摘要' })
  @IsOptional()
  digest?: unknown;

  @ApiPropertyOptional({ description: "The ledger's public key (PEM, `ledger public-key`): saved digests must be signed with it, and the stored checkpoints are checked / 公钥" })
  @IsOptional()
  publicKey?: unknown;
}
