// The printable 拨付通知 of one payment: the amount in figures and in 大写金额.
import { get } from '../api';
import { amountInWords } from '../amount-in-words';
import { beijingTime, yuan } from '../format';
import { tr } from '../i18n';
import { Loading, useLoad } from '../ui';
import { programmeName, usePrograms } from '../records';
import type { Disbursement } from './finance';

export function PaymentNoticePage({ disbursementId }: { disbursementId: string }) {
  const notice = useLoad(() => get<Disbursement>(`/api/disbursements/${encodeURIComponent(disbursementId)}`), [disbursementId]);
  const programmes = usePrograms();
  const d = notice.data;
  return (
    <main id="main" class="notice-page">
      <nav class="no-print">
        <a href="#/finance">← {tr('返回资金拨付', 'Back to payments')}</a>
        <button type="button" onClick={() => print()} disabled={d === undefined || d.status !== 'confirmed'}>
          {tr('打印', 'Print')}
        </button>
      </nav>
      <Loading loaded={notice} />
      {d !== undefined && (
        <article class="payment-notice" lang="zh-CN">
          <h1>专项资金拨付通知</h1>
          {d.status !== 'confirmed' && (
            <p class="problem" role="alert">
              本笔拨付{d.status === 'recorded' ? '尚未复核' : '已被退回'},不得作为拨付凭证。
            </p>
          )}
          <p class="ref">编号:{d.paymentRef}</p>
          <table class="notice-table">
            <tbody>
              <tr>
                <th scope="row">收款单位</th>
                <td colSpan={3}>{d.enterpriseName ?? '—'}</td>
              </tr>
              <tr>
                <th scope="row">统一社会信用代码</th>
                <td>{d.uscc ?? '—'}</td>
                <th scope="row">申请编号</th>
                <td>{d.applicationId}</td>
              </tr>
              <tr>
                <th scope="row">支持政策</th>
                <td>{d.programmeId === null ? '—' : programmeName(programmes.data?.find((p) => p.id === d.programmeId), d.programmeId)}</td>
                <th scope="row">集体研究决定</th>
                <td>{d.decisionRef ?? '—'}</td>
              </tr>
              <tr>
                <th scope="row">金额(小写)</th>
                <td colSpan={3} class="figure">¥{yuan(d.amount)}</td>
              </tr>
              <tr>
                <th scope="row">金额(大写)</th>
                <td colSpan={3} class="words">{amountInWords(d.amount)}</td>
              </tr>
              <tr>
                <th scope="row">支付凭证号</th>
                <td>{d.paymentRef}</td>
                <th scope="row">支付日期</th>
                <td>{d.paidOn}</td>
              </tr>
              <tr>
                <th scope="row">经办人</th>
                <td>
                  {d.recordedBy}({beijingTime(d.recordedAt)})
                </td>
                <th scope="row">复核人</th>
                <td>{d.checkedBy === null ? '—' : `${d.checkedBy}(${beijingTime(d.checkedAt)})`}</td>
              </tr>
            </tbody>
          </table>
          <p class="muted">时间为北京时间。本通知由补贴资金台账生成,拨付记录位于台账日志位置 {d.recordedPosition}。</p>
        </article>
      )}
    </main>
  );
}
