// What the console's routes answer, as OpenAPI schemas (documentation only: the answers come from the
// work lists), so that a client generated from /docs-json is typed on these routes too.
import { ApiProperty } from '@nestjs/swagger';
import { roles } from '../shared/actor.js';
import { enterpriseTags, flagLists, referralOutcomes } from '../shared/patterns.js';
import { disbursementStatuses } from '../http/query-dtos.js';
import { amountOutPattern } from '../http/responses.js';

const amount = (description: string) => ApiProperty({ type: String, format: 'decimal', pattern: amountOutPattern.source, description, example: '300000.00' });
const nullableAmount = (description: string) => ApiProperty({ type: String, format: 'decimal', pattern: amountOutPattern.source, nullable: true, description });
const nullableText = (description?: string) => ApiProperty({ type: String, nullable: true, ...(description === undefined ? {} : { description }) });
const instant = (description: string) => ApiProperty({ type: String, format: 'date-time', description });
const position = () => ApiProperty({ type: String, pattern: '^[0-9]{1,19}$', description: 'Log position / 日志位置', example: '208' });

export class SignedIn {
  @ApiProperty({ description: 'Bearer token / 令牌' })
  token!: string;

  @ApiProperty({ example: 'admin' })
  sub!: string;

  @ApiProperty({ enum: roles, isArray: true })
  roles!: string[];
}

export class BreakdownMonth {
  @ApiProperty({ pattern: '^[0-9]{4}-[0-9]{2}$', example: '2026-05' })
  month!: string;

  @amount('Committed at the end of the month / 月末已承诺')
  committed!: string;

  @amount('Paid at the end of the month / 月末已拨付')
  paid!: string;
}

export class BreakdownDistrict {
  @nullableText('District / 区县')
  district!: string | null;

  @amount('Net awards committed / 已承诺奖励')
  committed!: string;

  @ApiProperty({ type: 'integer' })
  applications!: number;
}

export class BudgetBreakdownView {
  @ApiProperty({ example: 'baoding-data-voucher' })
  programmeId!: string;

  @ApiProperty({ type: 'integer', example: 2026 })
  year!: number;

  @position()
  position!: string;

  @ApiProperty({ type: [BreakdownMonth] })
  months!: BreakdownMonth[];

  @ApiProperty({ type: [BreakdownDistrict] })
  districts!: BreakdownDistrict[];
}

export class AwaitingPaymentEntry {
  @ApiProperty()
  applicationId!: string;

  @nullableText()
  uscc!: string | null;

  @nullableText()
  enterpriseName!: string | null;

  @nullableText('Who approved it: they may not record or confirm its payments / 审定人')
  approvedBy!: string | null;

  @amount('Recorded, awaiting its checker / 待复核')
  pending!: string;

  @ApiProperty()
  programmeId!: string;

  @ApiProperty({ type: 'integer' })
  fiscalYear!: number;

  @amount('Awarded / 奖励')
  award!: string;

  @amount('Paid / 已拨付')
  paid!: string;

  @amount('Left to pay / 待拨付')
  unpaid!: string;
}

export class DisbursementEntryView {
  @ApiProperty()
  disbursementId!: string;

  @ApiProperty()
  applicationId!: string;

  @nullableText()
  programmeId!: string | null;

  @nullableText()
  uscc!: string | null;

  @nullableText()
  enterpriseName!: string | null;

  @amount('Amount / 金额')
  amount!: string;

  @ApiProperty()
  paymentRef!: string;

  @ApiProperty({ type: String, format: 'date' })
  paidOn!: string;

  @ApiProperty({ enum: disbursementStatuses })
  status!: string;

  @ApiProperty()
  recordedBy!: string;

  @instant('Recorded at / 登记时间')
  recordedAt!: string;

  @position()
  recordedPosition!: string;

  @nullableText('Checker / 复核人')
  checkedBy!: string | null;

  @ApiProperty({ type: String, format: 'date-time', nullable: true })
  checkedAt!: string | null;

  @nullableText()
  rejectionReason!: string | null;

  @nullableText()
  approvedBy!: string | null;

  @nullableAmount('Award / 奖励')
  award!: string | null;

  @nullableText()
  decisionRef!: string | null;
}

export class ReferralView {
  @ApiProperty({ type: String, format: 'date', description: 'Referred on / 移送日期' })
  referredOn!: string;

  @ApiProperty({ description: 'Reference / 文书编号' })
  reference!: string;

  @ApiProperty({ description: 'Judicial organ / 移送机关' })
  authority!: string;

  @ApiProperty({ type: String, nullable: true, enum: referralOutcomes, description: 'Outcome, once known / 司法处理结果' })
  outcome!: string | null;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Decided on / 决定日期' })
  decidedOn!: string | null;

  @ApiProperty({ type: String, nullable: true, description: "The decision's reference / 决定文书编号" })
  outcomeReference!: string | null;
}

export class FlagEntryView {
  @ApiProperty()
  flagId!: string;

  @ApiProperty({ enum: flagLists })
  list!: string;

  @ApiProperty({ type: String, format: 'date' })
  since!: string;

  @ApiProperty({ type: String, format: 'date', nullable: true, description: 'Last day of a ban / 截止日期' })
  until!: string | null;
}

export class ClawbackEntryView {
  @ApiProperty()
  clawbackId!: string;

  @ApiProperty()
  applicationId!: string;

  @nullableText()
  programmeId!: string | null;

  @nullableText()
  uscc!: string | null;

  @nullableText()
  enterpriseName!: string | null;

  @amount('Ordered / 应追回')
  amount!: string;

  @ApiProperty()
  reason!: string;

  @ApiProperty()
  fraud!: boolean;

  @ApiProperty({ type: ReferralView, nullable: true, description: 'Referral to the judicial organs (fraud) / 移送司法机关' })
  referral!: ReferralView | null;

  @ApiProperty()
  orderedBy!: string;

  @instant('Ordered at / 下达时间')
  orderedAt!: string;

  @ApiProperty()
  writtenOff!: boolean;

  @amount('Recovered / 已收回')
  recovered!: string;

  @amount('Still owed / 尚待收回')
  outstanding!: string;
}

export class EnterpriseEntryView {
  @ApiProperty({ example: '91130600MA00000016' })
  uscc!: string;

  @ApiProperty({ example: '保定智云数据科技有限公司' })
  name!: string;

  @ApiProperty({ enum: ['baoding', 'wuhan'] })
  city!: string;

  @nullableText('District / 区县')
  district!: string | null;

  @ApiProperty({ type: [String], enum: enterpriseTags, description: 'Priority tags as they stand / 优先支持标签' })
  tags!: string[];

  @ApiProperty({ type: [FlagEntryView], description: 'Flags not lifted / 名单记录' })
  flags!: FlagEntryView[];
}

export class TimelineEntryView {
  @position()
  position!: string;

  @ApiProperty()
  stream!: string;

  @ApiProperty({ example: 'AwardApproved' })
  type!: string;

  @ApiProperty()
  actorId!: string;

  @ApiProperty()
  actorRole!: string;

  @instant('Recorded at / 记录时间')
  recordedAt!: string;

  @ApiProperty({ description: "The event's hash, chained to the one before / 事件哈希" })
  hash!: string;

  @ApiProperty({ description: 'The hash of the event before it in the log / 前一事件哈希' })
  prevHash!: string;

  @ApiProperty({ type: 'object', additionalProperties: true, description: "The event's data / 事件数据" })
  data!: Record<string, unknown>;
}
