// The approval queue in the order the API gives it: priority enterprises first.
import { get, hasRole } from '../api';
import { tr } from '../i18n';
import { Loading, Section, Yuan, useFirstItems, useLoad } from '../ui';
import { entitlementKnown, programmeName, usePrograms, type Application } from '../records';

/** Rows laid out at first, the rest on request: the queue answers up to a hundred, worked from the top. */
const rowsShownFirst = 50;

export function QueuePage() {
  const queue = useLoad(() => get<Application[]>('/api/approval-queue'), []);
  const programmes = usePrograms();
  const rows = useFirstItems(queue.data, rowsShownFirst);
  return (
    <>
      <h1>{tr('审批队列', 'Approval queue')}</h1>
      <Section title={tr('公示期满或在公示中、等待集体研究的申请(重点企业优先)', 'Applications on or past their notice, awaiting approval (priority enterprises first)')}>
        <Loading loaded={queue} />
        {queue.data !== undefined && queue.data.length === 0 && <p class="muted">{tr('队列为空。', 'The queue is empty.')}</p>}
        {queue.data !== undefined && queue.data.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">#</th>
                <th scope="col">{tr('申请', 'Application')}</th>
                <th scope="col">{tr('支持政策', 'Programme')}</th>
                <th scope="col">{tr('企业', 'Enterprise')}</th>
                <th scope="col">{tr('区县', 'District')}</th>
                <th scope="col">{tr('重点企业', 'Priority')}</th>
                <th scope="col">{tr('公示截止', 'Notice ends')}</th>
                <th scope="col" class="num">{tr('认定金额(元)', 'Recognized (yuan)')}</th>
                <th scope="col" class="num">{tr('应得奖励(元)', 'Entitlement (yuan)')}</th>
                {hasRole('approver') && <th scope="col">{tr('操作', 'Action')}</th>}
              </tr>
            </thead>
            <tbody>
              {rows.shown.map((a, i) => (
                <tr>
                  <td>{i + 1}</td>
                  <td>
                    <code>{a.applicationId}</code>
                  </td>
                  <td>{programmeName(programmes.data?.find((p) => p.id === a.programmeId), a.programmeId)}</td>
                  <td>
                    <a href={`#/enterprises?uscc=${a.uscc}`}>{a.uscc}</a>
                  </td>
                  <td>{a.district ?? '—'}</td>
                  <td>{a.priority > 0 ? tr('是', 'yes') : ''}</td>
                  <td>{a.noticeEndsOn ?? '—'}</td>
                  <td class="num">
                    <Yuan amount={a.recognized ?? a.claimed} />
                  </td>
                  <td class="num">{entitlementKnown(a) ? <Yuan amount={a.entitlement} /> : <span title={tr('批准时计算', 'worked out on approval')}>—</span>}</td>
                  {hasRole('approver') && (
                    <td>
                      <a href={`#/workflow?application=${a.applicationId}`}>{tr('审批', 'Approve')}</a>
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {rows.more}
      </Section>
    </>
  );
}
