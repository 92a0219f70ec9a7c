// An enterprise by name or USCC: its totals per programme and year, its applications, its history.
import { useState } from 'preact/hooks';
import { get, hasRole } from '../api';
import { eventName, roleName, statusName, tr } from '../i18n';
import { Field, Loading, Section, Time, Yuan, useLoad } from '../ui';
import { programmeName, usePrograms, type Application } from '../records';

export interface Enterprise {
  uscc: string;
  name: string;
  city: string;
  district: string | null;
}

interface Totals {
  programmeId: string;
  year: number;
  recognizedSpend: string;
  awarded: string;
  paid: string;
  clawbackOrdered: string;
  recovered: string;
  headroom: string | null;
}

interface HistoryEntry {
  position: string;
  type: string;
  actorId: string;
  actorRole: string;
  recordedAt: string;
  reason: string | null;
}

export function EnterprisePage({ params }: { params: URLSearchParams }) {
  const [text, setText] = useState(params.get('uscc') ?? '');
  // Opened on one enterprise (a link from another page): its detail is shown, no search is run.
  const [query, setQuery] = useState('');
  const [uscc, setUscc] = useState<string | null>(params.get('uscc'));
  const matches = useLoad(() => (query.trim() === '' ? Promise.resolve([]) : get<Enterprise[]>(`/api/enterprises?q=${encodeURIComponent(query.trim())}`)), [query]);
  return (
    <>
      <h1>{tr('企业查询', 'Enterprise look-up')}</h1>
      <form
        class="filters"
        role="search"
        onSubmit={(e) => {
          e.preventDefault();
          setQuery(text);
          setUscc(null);
        }}
      >
        <Field label={tr('企业名称或统一社会信用代码', 'Name or USCC')}>
          <input type="search" value={text} onInput={(e) => setText((e.target as HTMLInputElement).value)} />
        </Field>
        <button type="submit">{tr('查询', 'Search')}</button>
      </form>
      <Loading loaded={matches} />
      {uscc === null && matches.data !== undefined && query !== '' && (
        <Section title={tr('查询结果', 'Matches')}>
          {matches.data.length === 0 ? (
            <p class="muted">{tr('没有匹配的企业。', 'No enterprise matches.')}</p>
          ) : (
            <ul class="plain">
              {matches.data.map((e) => (
                <li>
                  <button type="button" class="link" onClick={() => setUscc(e.uscc)}>
                    {e.name} · {e.uscc} · {e.district ?? e.city}
                  </button>
                </li>
              ))}
            </ul>
          )}
        </Section>
      )}
      {uscc !== null && <EnterpriseDetail uscc={uscc} />}
    </>
  );
}

function EnterpriseDetail({ uscc }: { uscc: string }) {
  const programmes = usePrograms();
  const enterprise = useLoad(() => get<Enterprise>(`/api/enterprises/${encodeURIComponent(uscc)}`), [uscc]);
  const totals = useLoad(() => (hasRole('supervisor', 'auditor') ? get<{ totals: Totals[] }>(`/api/enterprises/${encodeURIComponent(uscc)}/totals`) : Promise.resolve({ totals: [] })), [uscc]);
  const applications = useLoad(() => get<Application[]>(`/api/applications?uscc=${encodeURIComponent(uscc)}&limit=500`), [uscc]);
  const history = useLoad(() => get<HistoryEntry[]>(`/api/enterprises/${encodeURIComponent(uscc)}/history`), [uscc]);
  const name = (id: string) => programmeName(programmes.data?.find((p) => p.id === id), id);
  return (
    <>
      <Section title={enterprise.data === undefined ? uscc : `${enterprise.data.name} · ${uscc}`}>
        <Loading loaded={enterprise} />
        {enterprise.data !== undefined && (
          <p>
            {tr('城市', 'City')}: {enterprise.data.city} · {tr('区县', 'District')}: {enterprise.data.district ?? '—'}
          </p>
        )}
      </Section>
      {hasRole('supervisor', 'auditor') && (
        <Section title={tr('分年度合计', 'Totals by programme and year')}>
          <Loading loaded={totals} />
          <table>
            <thead>
              <tr>
                <th scope="col">{tr('年度', 'Year')}</th>
                <th scope="col">{tr('支持政策', 'Programme')}</th>
                <th scope="col" class="num">{tr('认定支出(元)', 'Recognized spend')}</th>
                <th scope="col" class="num">{tr('奖励(元)', 'Awarded')}</th>
                <th scope="col" class="num">{tr('已拨付(元)', 'Paid')}</th>
                <th scope="col" class="num">{tr('责令追回(元)', 'Clawed back')}</th>
                <th scope="col" class="num">{tr('已收回(元)', 'Recovered')}</th>
                <th scope="col" class="num">{tr('剩余额度(元)', 'Headroom')}</th>
              </tr>
            </thead>
            <tbody>
              {(totals.data?.totals ?? []).map((t) => (
                <tr>
                  <td>{t.year}</td>
                  <td>{name(t.programmeId)}</td>
                  <td class="num"><Yuan amount={t.recognizedSpend} /></td>
                  <td class="num"><Yuan amount={t.awarded} /></td>
                  <td class="num"><Yuan amount={t.paid} /></td>
                  <td class="num"><Yuan amount={t.clawbackOrdered} /></td>
                  <td class="num"><Yuan amount={t.recovered} /></td>
                  <td class="num"><Yuan amount={t.headroom} /></td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      )}
      <Section title={tr('申请', 'Applications')}>
        <Loading loaded={applications} />
        <table>
          <thead>
            <tr>
              <th scope="col">{tr('申请', 'Application')}</th>
              <th scope="col">{tr('年度', 'Year')}</th>
              <th scope="col">{tr('支持政策', 'Programme')}</th>
              <th scope="col">{tr('状态', 'Status')}</th>
              <th scope="col" class="num">{tr('申报(元)', 'Claimed')}</th>
              <th scope="col" class="num">{tr('奖励(元)', 'Award')}</th>
              <th scope="col" class="num">{tr('已拨付(元)', 'Paid')}</th>
            </tr>
          </thead>
          <tbody>
            {(applications.data ?? []).map((a) => (
              <tr>
                <td>{hasRole('auditor') ? <a href={`#/audit?application=${a.applicationId}`}><code>{a.applicationId}</code></a> : <code>{a.applicationId}</code>}</td>
                <td>{a.fiscalYear}</td>
                <td>{name(a.programmeId)}</td>
                <td>{statusName(a.status)}</td>
                <td class="num"><Yuan amount={a.claimed} /></td>
                <td class="num"><Yuan amount={a.award} /></td>
                <td class="num"><Yuan amount={a.paid} /></td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
      <Section title={tr('历史', 'History')}>
        <Loading loaded={history} />
        <table>
          <thead>
            <tr>
              <th scope="col">{tr('位置', 'Position')}</th>
              <th scope="col">{tr('时间(北京)', 'Time (Beijing)')}</th>
              <th scope="col">{tr('事项', 'Event')}</th>
              <th scope="col">{tr('操作人', 'Actor')}</th>
              <th scope="col">{tr('理由', 'Reason')}</th>
            </tr>
          </thead>
          <tbody>
            {(history.data ?? []).map((h) => (
              <tr>
                <td class="num">{h.position}</td>
                <td><Time iso={h.recordedAt} /></td>
                <td>{eventName(h.type)}</td>
                <td>{h.actorId} ({roleName(h.actorRole)})</td>
                <td>{h.reason ?? ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </Section>
    </>
  );
}
