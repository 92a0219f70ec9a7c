// What the API answers, as OpenAPI schemas: one class per shape of answer, so that a generated client
// is typed (these classes document; the answers themselves come from the use cases and the read side).
// Amounts are decimal strings with two decimals, days are dates, positions are digits.
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { applicationStatuses } from './query-dtos.js';

/** Amounts as the ledger writes them: yuan with exactly two decimals, as a string. */
export const amountOutPattern = /^-?(0|[1-9][0-9]*)\.[0-9]{2}$/;

const amount = (description: string, example = '300000.00') => ApiProperty({ type: String, format: 'decimal', pattern: amountOutPattern.source, description, example });
const day = (description: string, example = '2026-04-09') => ApiProperty({ type: String, format: 'date', description, example });
const position = () => ApiProperty({ type: String, pattern: '^[0-9]{1,19}$', description: 'Log position this answer reflects / 日志位置', example: '208' });
const id = (description: string) => ApiProperty({ type: String, description, example: '684794fc-8566-5e41-937c-09a66ac4f07f' });

/** Every write answers with the log position it reached. */
class Written {
  @position()
  position!: string;
}

export class HolidayYearResult extends Written {
  @ApiProperty({ type: 'integer', example: 2026 })
  year!: number;
}

export class BudgetAllocatedResult extends Written {
  @ApiProperty({ example: 'baoding-rnd-project' })
  programmeId!: string;

  @ApiProperty({ type: 'integer', example: 2026 })
  year!: number;

  @amount('Budget of the year after this allocation / 安排后的年度预算', '8000000.00')
  budget!: string;
}

export class ProgrammePublishedResult extends Written {
  @ApiProperty({ example: 'baoding-data-voucher' })
  programmeId!: string;

  @ApiProperty({ type: 'integer', description: 'The version published (or, for a shipped definition already in the log, the one there) / 版本号', example: 2 })
  version!: number;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'First day decisions use it; null: nothing was published / 施行日期', example: '2026-07-01' })
  effectiveOn!: string | null;
}

export class EnterpriseResult extends Written {
  @ApiProperty({ example: '91130600MA00000016' })
  uscc!: string;
}

export class FlagResult extends EnterpriseResult {
  @id('Flag / 名单记录')
  flagId!: string;
}

export class TagResult extends EnterpriseResult {
  @ApiProperty({ description: 'The tag, by its id / 标签', example: 'specialized-little-giant' })
  tag!: string;
}

export class ReferralResult extends Written {
  @id('Clawback / 追回')
  clawbackId!: string;

  @id('Application / 申请')
  applicationId!: string;

  @day('Day the case was referred / 移送日期', '2025-07-05')
  referredOn!: string;
}

export class ReferralOutcomeResult extends Written {
  @id('Clawback / 追回')
  clawbackId!: string;

  @id('Application / 申请')
  applicationId!: string;

  @ApiProperty({ description: 'What the judicial organs decided / 司法处理结果', example: 'convicted' })
  outcome!: string;
}

export class ApplicationResult extends Written {
  @id('Application / 申请')
  applicationId!: string;

  @ApiProperty({ enum: applicationStatuses })
  status!: string;
}

export class AwardResult extends ApplicationResult {
  @amount('What the rules entitle it to now / 核定可享金额')
  entitlement!: string;

  @amount('Awarded / 奖励金额')
  award!: string;
}

class NoticedAmount {
  @id('Application / 申请')
  applicationId!: string;

  @ApiProperty({ type: String, format: 'decimal', nullable: true, description: 'Proposed award listed (拟奖励金额); null on a notice that lists none / 拟奖励金额' })
  proposedAward!: string | null;
}

export class NoticeResult extends Written {
  @id('Notice / 公示')
  noticeId!: string;

  @ApiProperty({ description: 'The review stage it follows / 公示阶段(所接审核环节)', example: 'expert-review' })
  afterStage!: string;

  @day('First day (not counted) / 公示开始日期', '2026-04-01')
  opensOn!: string;

  @day('Last day of the notice: approval is possible from the next day / 公示截止日期')
  endsOn!: string;

  @ApiProperty({ type: [NoticedAmount], description: 'The proposed award of each application, as listed / 各申请拟奖励金额' })
  entries!: NoticedAmount[];
}

class NoticeLine extends NoticedAmount {
  @ApiProperty({ type: String, nullable: true, description: 'Enterprise / 申报单位', example: '保定数智科技有限公司' })
  enterpriseName!: string | null;

  @ApiProperty({ type: String, nullable: true, example: '91130600MA00000016' })
  uscc!: string | null;

  @ApiProperty({ example: 'baoding-data-voucher' })
  programmeId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Matter / 申报事项' })
  matterKey!: string | null;

  @ApiProperty({ type: String, nullable: true, enum: ['entitlement', 'approver'], description: 'Where the amount came from / 金额来源' })
  proposedBy!: string | null;
}

class ObjectionRecord {
  @id('Objection / 异议')
  objectionId!: string;

  @id('Application / 申请')
  applicationId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'Objector; null: anonymous / 异议人' })
  objector!: string | null;

  @ApiProperty()
  anonymous!: boolean;

  @ApiProperty({ type: String, nullable: true, description: 'Channel / 受理渠道', example: 'letter' })
  channel!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Received on / 收到日期' })
  receivedOn!: string | null;

  @ApiProperty({ description: 'Summary / 异议摘要' })
  summary!: string;

  @ApiProperty({ description: 'Recorded by / 登记人' })
  filedBy!: string;

  @ApiProperty({ type: String, nullable: true, enum: ['upheld', 'dismissed'], description: 'Outcome; null: open / 处理结论' })
  outcome!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Reason of the resolution / 处理理由' })
  reason!: string | null;

  @ApiProperty({ type: String, nullable: true, description: 'Resolved by / 处理人' })
  resolvedBy!: string | null;
}

export class NoticeView {
  @id('Notice / 公示')
  noticeId!: string;

  @ApiProperty({ example: 'baoding-data-voucher' })
  programmeId!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The review stage it follows / 公示阶段', example: 'expert-review' })
  afterStage!: string | null;

  @day('First day (not counted) / 公示开始日期', '2026-04-01')
  opensOn!: string;

  @day('Last day / 公示截止日期')
  endsOn!: string;

  @ApiProperty({ type: [NoticeLine], description: 'The public listing / 公示名单' })
  entries!: NoticeLine[];

  @ApiProperty({ type: [ObjectionRecord], description: 'Objections received / 异议' })
  objections!: ObjectionRecord[];
}

class DecidedAward {
  @id('Application / 申请')
  applicationId!: string;

  @amount('Amount approved / 审定金额', '105000.00')
  amount!: string;
}

export class DecisionView {
  @id('Decision / 决定')
  decisionId!: string;

  @ApiProperty({ description: "Minutes' reference / 会议纪要文号", example: '市数据局党组会议纪要〔2026〕7号' })
  reference!: string;

  @day('Day of the decision / 决定日期', '2026-04-20')
  decidedOn!: string;

  @ApiProperty({ description: 'The body that took it / 决策机构', example: '武汉市数据局党组' })
  body!: string;

  @ApiProperty({ enum: ['collective', 'case-by-case'] })
  kind!: string;

  @ApiProperty({ type: [DecidedAward] })
  awards!: DecidedAward[];
}

export class DecisionResult extends Written {
  @id('Decision: cite it as decisionRef / 决定编号(审定奖励时引用)')
  decisionId!: string;

  @ApiProperty({ example: '市数据局党组会议纪要〔2026〕7号' })
  reference!: string;

  @day('Day of the decision / 决定日期', '2026-04-20')
  decidedOn!: string;

  @ApiProperty({ enum: ['collective', 'case-by-case'] })
  kind!: string;

  @ApiProperty({ type: [DecidedAward] })
  awards!: DecidedAward[];
}

export class ObjectionResult extends Written {
  @id('Notice / 公示')
  noticeId!: string;

  @id('Objection / 异议')
  objectionId!: string;
}

export class ResolutionResult extends ObjectionResult {
  @ApiProperty({ enum: ['upheld', 'dismissed'] })
  outcome!: string;

  @ApiProperty({ enum: applicationStatuses, description: 'The application after the resolution / 处理后申请状态' })
  applicationStatus!: string;
}

export class DisbursementResult extends Written {
  @id('Disbursement / 拨付')
  disbursementId!: string;

  @id('Application / 申请')
  applicationId!: string;

  @ApiProperty({ enum: ['recorded', 'confirmed', 'rejected'] })
  status!: string;

  @ApiPropertyOptional({ type: String, format: 'decimal', pattern: amountOutPattern.source, description: 'Paid in all once confirmed / 确认后累计拨付', example: '300000.00' })
  paid?: string;
}

/** One award a correction reduced or clawed back (rule `corrections-recompute`). */
export class CorrectionResult {
  @id('Application corrected / 被更正的申请')
  applicationId!: string;

  @amount('Undisbursed award reduced (budget released) / 核减的未拨付奖励', '105000.00')
  reduced!: string;

  @amount('Paid excess ordered back / 责令追回的已拨付超额', '0.00')
  clawbackOrdered!: string;

  @ApiProperty({ type: String, nullable: true, description: 'The clawback the correction ordered / 更正产生的追回' })
  clawbackId!: string | null;
}

export class RevocationResult extends ApplicationResult {
  @ApiProperty({ type: [CorrectionResult], description: 'What the recomputed enterprise-year or project no longer supports / 重新计算后的更正' })
  corrections!: CorrectionResult[];
}

export class ClawbackResult extends Written {
  @id('Clawback / 追回')
  clawbackId!: string;

  @id('Application / 申请')
  applicationId!: string;

  @ApiProperty({ description: 'Whether the enterprise was flagged (fraud) / 是否列入名单' })
  flagged!: boolean;

  @ApiProperty({ description: "Whether the application's spend no longer counts (fraud, false invoices) / 是否取消其认定支出" })
  disqualifiesSpend!: boolean;

  @ApiProperty({ type: [CorrectionResult], description: 'Corrections of the pool when the spend is disqualified / 取消认定支出后的更正' })
  corrections!: CorrectionResult[];
}

export class RecoveryResult extends Written {
  @id('Clawback / 追回')
  clawbackId!: string;

  @id('Application / 申请')
  applicationId!: string;

  @amount('Recovered in all on the application / 累计收回', '60000.00')
  recovered!: string;

  @amount('Still to recover on this clawback / 尚待收回', '60000.00')
  outstanding!: string;
}

export class WriteOffResult extends Written {
  @id('Clawback / 追回')
  clawbackId!: string;

  @amount('Written off / 核销金额', '60000.00')
  writtenOff!: string;
}

export class BudgetView {
  @ApiProperty({ example: 'baoding-data-voucher' })
  programmeId!: string;

  @ApiProperty({ type: 'integer', example: 2026 })
  year!: number;

  @amount('Budget / 年度预算', '20000000.00')
  budget!: string;

  @amount('Net awards committed / 已承诺奖励')
  committed!: string;

  @amount('Confirmed payments / 已确认拨付')
  paid!: string;

  @amount('Clawbacks ordered / 应追回', '0.00')
  clawbackOrdered!: string;

  @amount('Recovered / 已收回', '0.00')
  recovered!: string;

  @amount('Remaining / 剩余预算', '19700000.00')
  remaining!: string;

  @position()
  position!: string;
}

export class EnterpriseTotalsRow {
  @ApiProperty({ example: 'baoding-data-voucher' })
  programmeId!: string;

  @ApiProperty({ type: 'integer', example: 2026 })
  year!: number;

  @amount('Recognized qualifying spend / 认定支出', '1200000.00')
  recognizedSpend!: string;

  @amount('Awarded / 奖励')
  awarded!: string;

  @amount('Paid / 已拨付')
  paid!: string;

  @amount('Clawbacks ordered / 应追回', '0.00')
  clawbackOrdered!: string;

  @amount('Recovered / 已收回', '0.00')
  recovered!: string;

  @ApiProperty({
    type: String,
    format: 'decimal',
    pattern: amountOutPattern.source,
    nullable: true,
    description: 'Still awardable under the per-enterprise cap; null without one / 剩余额度',
    example: '0.00',
  })
  headroom!: string | null;
}

export class EnterpriseTotalsView {
  @ApiProperty({ example: '91130600MA00000016' })
  uscc!: string;

  @ApiProperty({ type: [EnterpriseTotalsRow] })
  totals!: EnterpriseTotalsRow[];
}

export class ApplicationView {
  @id('Application / 申请')
  applicationId!: string;

  @ApiProperty({ example: 'baoding-data-voucher' })
  programmeId!: string;

  @ApiProperty({ type: 'integer', example: 2026 })
  fiscalYear!: number;

  @ApiProperty({ example: '91130600MA00000016' })
  uscc!: string;

  @ApiProperty({ type: String, nullable: true, example: '竞秀区' })
  district!: string | null;

  @ApiProperty({ type: 'integer', description: 'Priority in the approval queue (tags) / 优先级' })
  priority!: number;

  @ApiProperty({ enum: applicationStatuses })
  status!: string;

  @amount('Claimed total / 申报金额', '1200000.00')
  claimed!: string;

  @ApiProperty({ type: String, format: 'decimal', pattern: amountOutPattern.source, nullable: true, description: 'Recognized by the reviews / 认定金额' })
  recognized!: string | null;

  @amount('Proposed award (from the final review on) / 拟奖励金额')
  entitlement!: string;

  @ApiProperty({
    type: String,
    format: 'decimal',
    pattern: amountOutPattern.source,
    nullable: true,
    description: 'What an approval now would grant, from the final review on; the award once approved / 拟奖励金额(终审后)',
  })
  proposedAward!: string | null;

  @amount('Awarded / 奖励')
  award!: string;

  @amount('Paid / 已拨付')
  paid!: string;

  @amount('Clawbacks ordered / 应追回', '0.00')
  clawbackOrdered!: string;

  @amount('Recovered / 已收回', '0.00')
  recovered!: string;

  @ApiProperty({ type: String, nullable: true })
  noticeId!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true })
  noticeEndsOn!: string | null;

  @ApiProperty({ type: String, format: 'date-time' })
  submittedAt!: string;
}

export class HistoryEntry {
  @position()
  position!: string;

  @ApiProperty({ example: 'AwardApproved' })
  type!: string;

  @ApiProperty({ example: 'approver-zhao' })
  actorId!: string;

  @ApiProperty({ example: 'approver' })
  actorRole!: string;

  @ApiProperty({ type: String, format: 'date-time' })
  recordedAt!: string;

  @ApiProperty({ type: String, nullable: true })
  reason!: string | null;
}

export class ProgrammeDefinitionView {
  @ApiProperty({ example: 'baoding-data-voucher' })
  id!: string;

  @ApiProperty({ type: 'integer', example: 1 })
  version!: number;

  @ApiProperty({ enum: ['baoding', 'wuhan'] })
  jurisdiction!: string;

  @ApiProperty({ type: [String], description: 'Review stages, in order / 审核环节(按顺序)', example: ['district-preliminary', 'city-re-review', 'expert-review'] })
  stages!: string[];

  @ApiProperty({ type: 'integer', description: 'Working days of the public notice / 公示工作日', example: 5 })
  noticeWorkingDays!: number;

  @ApiProperty({
    type: 'array',
    items: { type: 'object', properties: { afterStage: { type: 'string' }, listsAmounts: { type: 'boolean' } } },
    description: 'The public notices held, each after a review stage; listsAmounts: it lists the proposed awards / 公示环节',
    example: [{ afterStage: 'expert-review', listsAmounts: true }],
  })
  noticeStages!: { afterStage: string; listsAmounts: boolean }[];

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Award rule and its parameters / 奖励规则' })
  rule!: Record<string, unknown>;
}

export class ProgrammeVersionView {
  @ApiProperty({ type: 'integer', example: 2 })
  version!: number;

  @day('First day decisions use this version / 施行日期', '2026-07-01')
  effectiveOn!: string;

  @ApiProperty({ type: ProgrammeDefinitionView, description: 'The definition of this version / 本版本定义' })
  definition!: ProgrammeDefinitionView;
}

export class ProgrammeWithVersionsView extends ProgrammeDefinitionView {
  @ApiProperty({ type: 'integer', description: 'The version in force today (decisions taken today use it) / 今日施行的版本', example: 1 })
  versionInForce!: number;

  @ApiProperty({ type: [ProgrammeVersionView], description: 'Every version published, with the day each takes effect / 全部版本' })
  versions!: ProgrammeVersionView[];
}

export class LogDigestView {
  @position()
  position!: string;

  @ApiProperty({ type: String, pattern: '^[0-9]+$', example: '208' })
  eventCount!: string;

  @ApiProperty({ type: String, pattern: '^[0-9a-f]{64}$' })
  hash!: string;
}

export class VerifyView {
  @ApiProperty({ description: 'The log and the projections check out / 校验通过' })
  ok!: boolean;

  @ApiProperty({ type: 'object', additionalProperties: true, description: 'Hash chain and digests: findings with their positions / 日志校验结果' })
  log!: Record<string, unknown>;

  @ApiProperty({ type: 'object', additionalProperties: true, nullable: true, description: 'Reconciliation of the read side with the log / 投影对账' })
  projections!: Record<string, unknown> | null;
}
