// Request bodies of the API: validated here (class-validator: known fields only, money as decimal
// strings, codes and dates in their formats) and documented in OpenAPI in English and Chinese. The
// patterns and lists come from shared/patterns.ts, which the ledger's own parser uses too (the CLI and
// other callers have no DTOs), so the two checks cannot drift apart.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  datePattern,
  enterpriseTagOf,
  enterpriseTags,
  enterpriseTagSpellings,
  flagLists,
  invoiceCodePattern,
  invoiceNumberPattern,
  isReadableName,
  jurisdictions,
  keyPattern,
  moneyPattern,
  objectionOutcomes,
  referralOutcomes,
  reviewOutcomes,
  usccPattern,
  voucherCategories,
} from '../shared/patterns.js';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayMinSize, IsArray, IsBoolean, IsIn, IsInt, IsOptional, IsString, Length, Matches, Max, Min, ValidateBy, ValidateNested } from 'class-validator';
import { isInstant } from '../shared/time.js';
import { objectionChannels } from '../notices/notice.js';
import { decisionKinds } from '../decisions/events.js';
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

/** A priority tag by its id or by the seed's Chinese name (shared/patterns.ts `enterpriseTagOf`, as the parser reads it). */
function IsEnterpriseTag(options: { each?: boolean } = {}): PropertyDecorator {
  return ValidateBy(
    {
      name: 'isEnterpriseTag',
      validator: {
        validate: (value: unknown) => typeof value === 'string' && enterpriseTagOf(value) !== null,
        defaultMessage: (args) => `${args?.property ?? 'tag'} must be one of ${enterpriseTags.join(', ')} or their Chinese names (独角兽, 潜在独角兽, 专精特新"小巨人", 隐形冠军)`,
      },
    },
    options,
  );
}

export class RegionOverrideDto {
  @ApiProperty({ description: 'Why a code registered outside the city is admitted (e.g. registered by the province, operating in the city) / 登记机关不在本市而准予登记的理由' })
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
    description: 'Priority tags, from the known set only, by id or Chinese name: each puts the enterprise first in the approval queue / 优先支持标签(仅限所列标签,可用中文名称)',
    example: ['specialized-little-giant'],
    type: [String],
    enum: enterpriseTagSpellings,
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(20)
  @IsEnterpriseTag({ each: true })
  tags?: string[];

  @ApiPropertyOptional({
    description: 'Administrators only: admit a code whose region (characters 3–8) lies outside the city, with the reason / 仅管理员:登记机关行政区划不在本市时准予登记,须说明理由',
    type: RegionOverrideDto,
  })
  @IsOptional()
  @ValidateNested()
  @Type(() => RegionOverrideDto)
  regionOverride?: RegionOverrideDto;

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

export class AddTagDto {
  @ApiProperty({ description: 'Priority tag, by id or Chinese name / 优先支持标签(可用中文名称)', enum: enterpriseTagSpellings, example: '专精特新"小巨人"' })
  @IsString()
  @IsEnterpriseTag()
  tag!: string;

  @ApiProperty({ description: 'Evidence: the list or certificate naming the enterprise / 证明材料(名单、认定文件)', example: '冀工信企业〔2025〕12号' })
  @IsString()
  @Length(1, 200)
  @IsName()
  evidenceRef!: string;
}

export class RemoveTagDto {
  @ApiPropertyOptional({ description: 'Evidence for the removal / 移除依据', example: '冀工信企业〔2026〕3号' })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsName()
  evidenceRef?: string;

  @ApiPropertyOptional({ description: 'Reason / 理由', example: '复核未通过' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  reason?: string;
}

export class ReferralDto {
  @ApiProperty({ ...dateDoc, description: 'Day the case was referred / 移送日期', example: '2025-07-05' })
  @Matches(date)
  referredOn!: string;

  @ApiProperty({ description: "The judicial organ's reference / 受案或移送文书编号", example: '武公(经)移字〔2025〕12号' })
  @IsString()
  @Length(1, 200)
  @IsName()
  reference!: string;

  @ApiProperty({ description: 'The judicial organ referred to / 移送机关', example: '武汉市公安局' })
  @IsString()
  @Length(1, 200)
  @IsName()
  authority!: string;
}

export class ReferralOutcomeDto {
  @ApiProperty({ description: 'What the judicial organs decided / 司法处理结果', enum: referralOutcomes })
  @IsIn(referralOutcomes)
  outcome!: string;

  @ApiProperty({ ...dateDoc, description: 'Day of the decision / 决定或判决日期', example: '2026-02-20' })
  @Matches(date)
  decidedOn!: string;

  @ApiProperty({ description: "The decision's reference / 文书编号", example: '(2026)鄂0102刑初45号' })
  @IsString()
  @Length(1, 200)
  @IsName()
  reference!: string;

  @ApiPropertyOptional({ description: 'Summary / 摘要' })
  @IsOptional()
  @IsString()
  @Length(1, 2000)
  summary?: string;
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
  @ApiProperty({
    description: 'Invoice number: 20 digits for a 全电发票 (alone), or 8 digits with its invoiceCode / 发票号码(全电发票20位;其他发票8位,须附发票代码)',
    example: '25132000000000000001',
  })
  @Matches(invoiceNumberPattern, { message: 'invoiceNumber must be 8 or 20 digits' })
  invoiceNumber!: string;

  @ApiPropertyOptional({
    description: 'Invoice code, 10 or 12 digits: required with an 8-digit number, absent with a 20-digit one / 发票代码(10位或12位)',
    example: '1300251130',
  })
  @IsOptional()
  @Matches(invoiceCodePattern, { message: 'invoiceCode must be 10 or 12 digits' })
  invoiceCode?: string;

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

export class ProposedAwardDto {
  @ApiProperty({ description: 'Application / 申请' })
  @Matches(key)
  applicationId!: string;

  @ApiProperty({ ...moneyDoc, description: 'Proposed award, yuan (拟奖励金额; lower than the entitlement, or up to the recognized amount for 一事一议)', example: '90000.00' })
  @IsString()
  @Matches(money, { message: `amount ${moneyMessage}` })
  amount!: string;
}

export class OpenNoticeDto {
  @ApiProperty({ description: 'Programme / 支持政策' })
  @Matches(key)
  programmeId!: string;

  @ApiProperty({
    description:
      'Applications on the notice, all just past the same review stage after which the programme holds a notice; proposed awards are worked out in this order / 公示的申请(同一公示阶段;拟奖励金额按此顺序测算)',
    type: [String],
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @Matches(key, { each: true })
  applicationIds!: string[];

  @ApiProperty({ ...dateDoc, description: 'First day (not counted in the period) / 公示开始日期(当日不计入)', example: '2025-06-03' })
  @Matches(date)
  opensOn!: string;

  @ApiPropertyOptional({
    description: 'Amounts the approver proposes instead of the entitlement (notices of proposed awards only) / 拟奖励金额(不填则按核定可享金额)',
    type: [ProposedAwardDto],
  })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => ProposedAwardDto)
  proposedAwards?: ProposedAwardDto[];
}

export class ObjectionDto {
  @ApiProperty({ description: 'Application objected to / 被异议的申请' })
  @Matches(key)
  applicationId!: string;

  @ApiProperty({ description: 'Summary of the objection / 异议摘要' })
  @IsString()
  @Length(1, 2000)
  summary!: string;

  @ApiPropertyOptional({ description: 'Who objected (name or organisation); absent or null: anonymous / 异议人(不填为匿名)', nullable: true })
  @IsOptional()
  @IsString()
  @Length(1, 200)
  @IsName()
  objector?: string | null;

  @ApiPropertyOptional({ description: 'How it reached the department (default other) / 受理渠道:来信、来电、来访、网上、电子邮件、其他', enum: objectionChannels })
  @IsOptional()
  @IsIn(objectionChannels)
  channel?: string;

  @ApiPropertyOptional({ ...dateDoc, description: 'Day it was received, within the notice period (default today) / 收到日期(须在公示期内)', example: '2026-04-03' })
  @IsOptional()
  @Matches(date)
  receivedOn?: string;
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

export class DecidedAwardDto {
  @ApiProperty({ description: 'Application / 申请' })
  @Matches(key)
  applicationId!: string;

  @ApiProperty({ ...moneyDoc, description: 'Amount approved, yuan ("0.00" for an application below the threshold) / 审定金额(元)', example: '105000.00' })
  @IsString()
  @Matches(money, { message: `amount ${moneyMessage}` })
  amount!: string;
}

export class RecordDecisionDto {
  @ApiProperty({ description: "The minutes' reference / 会议纪要文号", example: '市数据局党组会议纪要〔2026〕7号' })
  @IsString()
  @Length(1, 200)
  @IsName()
  reference!: string;

  @ApiProperty({ ...dateDoc, description: 'Day of the decision (not in the future) / 研究决定日期', example: '2026-04-20' })
  @Matches(date)
  decidedOn!: string;

  @ApiProperty({ description: 'The body that took it / 决策机构', example: '武汉市数据局党组' })
  @IsString()
  @Length(1, 200)
  @IsName()
  body!: string;

  @ApiProperty({ description: 'collective (集体研究) or case-by-case (一事一议) / 决定类型', enum: decisionKinds })
  @IsIn(decisionKinds)
  kind!: string;

  @ApiProperty({ description: 'The applications approved, with the amount of each / 审定的申请及金额', type: [DecidedAwardDto] })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(500)
  @ValidateNested({ each: true })
  @Type(() => DecidedAwardDto)
  awards!: DecidedAwardDto[];
}

export class CaseByCaseDto {
  @ApiProperty({ description: 'Justification of the 一事一议 decision / 一事一议说明' })
  @IsString()
  @Length(1, 2000)
  justification!: string;
}

export class ApprovalDto {
  @ApiProperty({
    description:
      'The recorded collective (or 一事一议) decision cited: its id from POST /api/decisions; it must list the application at an amount of at least the award / 所依据的集体研究决定(登记编号)',
    example: '3c1d5e7f-8a9b-5c0d-9e1f-2a3b4c5d6e7f',
  })
  @IsString()
  @Length(1, 200)
  @IsName()
  decisionRef!: string;

  @ApiPropertyOptional({
    ...moneyDoc,
    description:
      'The award, if not what the decision approved: never above the entitlement (一事一议: the recognized amount), the decision or the noticed amount / 奖励金额(元,不填则按决定金额)',
  })
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

  @ApiPropertyOptional({ description: 'Fraud: bans the enterprise until banUntil / 骗取资金(列入名单至 banUntil)' })
  @IsOptional()
  @IsBoolean()
  fraud?: boolean;

  @ApiPropertyOptional({ ...dateDoc, description: 'Fraud only, and then required: the last day of the subsidy ban / 禁止申报截止日期(骗取资金时必填)', example: '2028-06-30' })
  @IsOptional()
  @Matches(date)
  banUntil?: string;

  @ApiPropertyOptional({ description: 'Fraud only: the referral to the judicial organs, where made with the order / 移送司法机关', type: ReferralDto })
  @IsOptional()
  @ValidateNested()
  @Type(() => ReferralDto)
  referral?: ReferralDto;

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
