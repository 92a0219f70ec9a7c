// Auditors: an application's timeline (actor, role, Beijing time, amounts, references, position,
// hash), a verification of the log with its findings by position, the digest and the exports.
import { useEffect, useState } from 'preact/hooks';
import { download, get, post } from '../api';
import { eventName, roleName, stageName, tr } from '../i18n';
import { Field, Loading, Problem, Section, Time, Yuan, useAction, useLoad } from '../ui';

interface TimelineEntry {
  position: string;
  stream: string;
  type: string;
  actorId: string;
  actorRole: string;
  recordedAt: string;
  hash: string;
  prevHash: string;
  data: Record<string, unknown>;
}

interface Finding {
  position: string;
  kind?: string;
  message?: string;
  [key: string]: unknown;
}

interface Verification {
  ok: boolean;
  log: { ok: boolean; headPosition: string; findings: Finding[]; digest: unknown; [key: string]: unknown };
  projections: { ok: boolean; position: string; [key: string]: unknown } | null;
}

const amountFields = ['claimedTotal', 'recognizedAmount', 'base', 'entitlement', 'award', 'amount', 'matterReduction'] as const;
const referenceFields = ['stage', 'decisionRef', 'noticeId', 'opensOn', 'endsOn', 'disbursementId', 'paymentRef', 'paidOn', 'clawbackId', 'receiptRef', 'receivedOn', 'objectionId', 'outcome', 'reason', 'summary'] as const;

const amountLabels: Record<(typeof amountFields)[number], [string, string]> = {
  claimedTotal: ['申报', 'claimed'],
  recognizedAmount: ['认定', 'recognized'],
  base: ['基数', 'base'],
  entitlement: ['应得', 'entitlement'],
  award: ['奖励', 'award'],
  amount: ['金额', 'amount'],
  matterReduction: ['就高不重复核减', 'matter reduction'],
};

export function AuditPage({ params }: { params: URLSearchParams }) {
  const [text, setText] = useState(params.get('application') ?? '');
  const [applicationId, setApplicationId] = useState(params.get('application'));
  useEffect(() => {
    const wanted = params.get('application');
    if (wanted !== null) {
      setText(wanted);
      setApplicationId(wanted);
    }
  }, [params.get('application')]);
  return (
    <>
      <h1>{tr('审计核验', 'Audit')}</h1>
      <Section title={tr('申请时间线', 'Application timeline')}>
        <form
          class="filters"
          onSubmit={(e) => {
            e.preventDefault();
            setApplicationId(text.trim());
          }}
        >
          <Field label={tr('申请编号', 'Application id')}>
            <input value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
          </Field>
          <button type="submit">{tr('查看', 'Show')}</button>
        </form>
        <p class="muted">
          {tr('企业的完整历史见', 'An enterprise’s whole history is on')} <a href="#/enterprises">{tr('企业查询', 'Enterprises')}</a>.
        </p>
        {applicationId !== null && applicationId !== '' && <Timeline applicationId={applicationId} />}
      </Section>
      <Verify />
      <Downloads />
    </>
  );
}

function Timeline({ applicationId }: { applicationId: string }) {
  const timeline = useLoad(() => get<TimelineEntry[]>(`/api/applications/${encodeURIComponent(applicationId)}/timeline`), [applicationId]);
  return (
    <>
      <Loading loaded={timeline} />
      {timeline.data !== undefined && (
        <table class="timeline">
          <caption>
            {tr('申请', 'Application')} <code>{applicationId}</code>
          </caption>
          <thead>
            <tr>
              <th scope="col">{tr('位置', 'Position')}</th>
              <th scope="col">{tr('时间(北京)', 'Time (Beijing)')}</th>
              <th scope="col">{tr('事项', 'Event')}</th>
              <th scope="col">{tr('操作人(角色)', 'Actor (role)')}</th>
              <th scope="col">{tr('金额(元)', 'Amounts (yuan)')}</th>
              <th scope="col">{tr('关联信息', 'References')}</th>
              <th scope="col">{tr('哈希', 'Hash')}</th>
            </tr>
          </thead>
          <tbody>
            {timeline.data.map((e) => (
              <tr>
                <td class="num">{e.position}</td>
                <td><Time iso={e.recordedAt} /></td>
                <td>{eventName(e.type)}</td>
                <td>
                  {e.actorId} ({roleName(e.actorRole)})
                </td>
                <td>
                  {amountFields
                    .filter((f) => typeof e.data[f] === 'string')
                    .map((f) => (
                      <div>
                        {tr(amountLabels[f][0], amountLabels[f][1])}: <Yuan amount={e.data[f] as string} />
                      </div>
                    ))}
                </td>
                <td>
                  {referenceFields
                    .filter((f) => typeof e.data[f] === 'string')
                    .map((f) => (
                      <div>
                        {f}: {f === 'stage' ? stageName(e.data[f] as string) : (e.data[f] as string)}
                      </div>
                    ))}
                </td>
                <td>
                  <code class="hash" title={`${tr('前一哈希', 'previous')} ${e.prevHash}`}>
                    {e.hash}
                  </code>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function Verify() {
  const [saved, setSaved] = useState('');
  const [startedAt, setStartedAt] = useState<number | null>(null);
  const [elapsed, setElapsed] = useState(0);
  const action = useAction(
    async () => {
      const digest = saved.trim() === '' ? undefined : (JSON.parse(saved) as unknown);
      setStartedAt(Date.now());
      try {
        return await post<Verification>('/api/audit/verify', digest === undefined ? {} : { digest });
      } finally {
        setStartedAt(null);
      }
    },
  );
  useEffect(() => {
    if (startedAt === null) return;
    const timer = setInterval(() => setElapsed(Math.round((Date.now() - startedAt) / 1000)), 500);
    return () => clearInterval(timer);
  }, [startedAt]);
  const result = action.result;
  return (
    <Section title={tr('核验日志', 'Verify the log')}>
      <Field label={tr('此前保存的摘要(可选,JSON)', 'A digest saved earlier (optional, JSON)')}>
        <textarea rows={3} value={saved} onInput={(e) => setSaved((e.target as HTMLTextAreaElement).value)} spellcheck={false} />
      </Field>
      <button type="button" disabled={action.busy} onClick={() => void action.act()}>
        {tr('开始核验', 'Verify')}
      </button>
      {action.busy && (
        <p role="status">
          <progress aria-label={tr('核验进度', 'Verification progress')} /> {tr('正在核验整个日志与投影…', 'Verifying the whole log and the projections…')} {elapsed} s
        </p>
      )}
      <Problem error={action.error} />
      {result !== undefined && (
        <div role="status">
          <p class={result.ok ? 'ok' : 'problem'}>
            {result.ok ? tr('核验通过:日志完整,投影与日志一致。', 'Verified: the log is intact and the projections agree with it.') : tr('核验发现问题:', 'Verification found problems:')}{' '}
            {tr('日志头位置', 'head position')} {result.log.headPosition}
          </p>
          {result.log.findings.length > 0 && (
            <table>
              <thead>
                <tr>
                  <th scope="col">{tr('位置', 'Position')}</th>
                  <th scope="col">{tr('发现', 'Finding')}</th>
                </tr>
              </thead>
              <tbody>
                {result.log.findings.map((f) => (
                  <tr>
                    <td class="num">{f.position}</td>
                    <td>{f.message ?? f.kind ?? JSON.stringify(f)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {result.projections !== null && !result.projections.ok && <pre>{JSON.stringify(result.projections, null, 2)}</pre>}
        </div>
      )}
    </Section>
  );
}

function Downloads() {
  // The digest hashes the whole log: worked out when asked for, not on every visit.
  const digest = useAction(() => get<Record<string, unknown>>('/api/audit/digest', { consistent: false }));
  const [error, setError] = useState<unknown>(undefined);
  const save = (path: string, name: string) => download(path, name).catch(setError);
  return (
    <Section title={tr('摘要与导出', 'Digest and exports')}>
      {digest.result !== undefined && <pre class="digest">{JSON.stringify(digest.result, null, 2)}</pre>}
      <Problem error={digest.error} />
      <div class="actions">
        <button type="button" class="secondary" disabled={digest.busy} onClick={() => void digest.act()}>
          {digest.busy ? tr('正在计算摘要…', 'Working out the digest…') : tr('查看当前摘要', 'Show the current digest')}
        </button>
        <button type="button" onClick={() => void save('/api/audit/digest', 'ledger-digest.json')}>
          {tr('下载摘要', 'Download the digest')}
        </button>
        <button type="button" onClick={() => void save('/api/audit/events?format=csv', 'ledger-events.csv')}>
          {tr('导出事件(CSV)', 'Export events (CSV)')}
        </button>
        <button type="button" onClick={() => void save('/api/audit/events?format=jsonl', 'ledger-events.jsonl')}>
          {tr('导出事件(JSONL)', 'Export events (JSONL)')}
        </button>
      </div>
      <Problem error={error} />
    </Section>
  );
}

