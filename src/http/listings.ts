// What the public and the auditors read of a notice and of a collective decision: the record as the
// ledger keeps it, in JSON, and the listing as a CSV that Excel opens (UTF-8 with a BOM, Chinese
// headers, no cell Excel would run as a formula).
import { stringify } from 'csv-stringify/sync';
import type { RecordedDecision } from '../decisions/decision.js';
import type { OpenedNotice } from '../notices/notice.js';

export function noticeView(notice: OpenedNotice) {
  return {
    noticeId: notice.noticeId,
    programmeId: notice.programmeId,
    afterStage: notice.afterStage,
    opensOn: notice.opensOn,
    endsOn: notice.endsOn,
    entries: [...notice.entries.values()].map((entry) => ({
      applicationId: entry.applicationId,
      enterpriseName: entry.enterpriseName,
      uscc: entry.uscc,
      programmeId: notice.programmeId,
      matterKey: entry.matterKey,
      proposedAward: entry.proposedAward,
      proposedBy: entry.proposedBy,
    })),
    objections: [...notice.objections.values()].map((o) => ({
      objectionId: o.objectionId,
      applicationId: o.applicationId,
      objector: o.objector,
      anonymous: o.objector === null,
      channel: o.channel,
      receivedOn: o.receivedOn,
      summary: o.summary,
      filedBy: o.filedBy,
      outcome: o.outcome,
      reason: o.reason,
      resolvedBy: o.resolvedBy,
    })),
  };
}

function csvOf(header: readonly string[], rows: readonly (readonly (string | null)[])[]): string {
  return stringify([header, ...rows.map((row) => row.map((cell) => cell ?? ''))], { bom: true, escape_formulas: true, quoted_string: true, record_delimiter: 'windows' });
}

/** The public listing of a notice (公示名单). */
export function noticeCsv(notice: OpenedNotice): string {
  const rows = [...notice.entries.values()].map((entry, i) => [
    String(i + 1),
    entry.enterpriseName,
    entry.uscc,
    notice.programmeId,
    entry.matterKey,
    entry.proposedAward,
    entry.applicationId,
    notice.opensOn,
    notice.endsOn,
  ]);
  return csvOf(['序号', '申报单位', '统一社会信用代码', '支持政策', '申报事项', '拟奖励金额(元)', '申请编号', '公示开始日期', '公示截止日期'], rows);
}

export function decisionView(decision: RecordedDecision) {
  return {
    decisionId: decision.decisionId,
    reference: decision.reference,
    decidedOn: decision.decidedOn,
    body: decision.body,
    kind: decision.kind,
    awards: [...decision.awards].map(([applicationId, amount]) => ({ applicationId, amount: amount.format() })),
  };
}

/** A decision's list of applications and amounts (审定名单). */
export function decisionCsv(decision: RecordedDecision): string {
  const kind = decision.kind === 'case-by-case' ? '一事一议' : '集体研究';
  const rows = [...decision.awards].map(([applicationId, amount], i) => [
    String(i + 1),
    applicationId,
    amount.format(),
    decision.reference,
    decision.body,
    decision.decidedOn,
    kind,
  ]);
  return csvOf(['序号', '申请编号', '审定金额(元)', '决定文号', '决策机构', '决定日期', '决定类型'], rows);
}
