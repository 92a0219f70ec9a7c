// Reviewers, approvers and administrators: register an enterprise, allocate a budget, submit an
// application, record its reviews, put it on public notice, handle objections, approve it (with the
// entitlement and the budget left in view), revoke it or order a clawback: the workflow without the API.
import { useState } from 'preact/hooks';
import { currentSession, get, hasRole, post } from '../api';
import { beijingToday, beijingYear, fenOf, subtractAmounts, yuan } from '../format';
import { stageName, statusName, tr } from '../i18n';
import { Field, Loading, Problem, Section, Time, Yuan, useAction, useLoad } from '../ui';
import { entitlementKnown, programmeName, usePrograms, type Application, type Budget, type Programme } from '../records';

interface TimelineEntry {
  position: string;
  type: string;
  actorId: string;
  recordedAt: string;
  data: Record<string, unknown>;
}

const categories = ['data-property-registration', 'data-trading', 'data-assets-on-balance-sheet', 'data-asset-financing', 'compute-rental', 'llm-products', 'llm-services'] as const;

function value(e: Event): string {
  return (e.target as HTMLInputElement).value;
}

/** Applications listed at once; the next ones are asked for a page at a time. */
const applicationPageSize = 50;

/**
 * One page of applications in a state, oldest submission first, with one row beyond the page: the
 * console learns whether there is a next page without counting them all.
 */
function applicationPagePath(status: string, offset: number): string {
  return `/api/applications?status=${encodeURIComponent(status)}&limit=${applicationPageSize + 1}&offset=${offset}`;
}

export function WorkflowPage({ params }: { params: URLSearchParams }) {
  const programmes = usePrograms();
  const defaultStatus = hasRole('reviewer') ? 'in_review' : hasRole('approver') ? 'in_notice' : 'submitted';
  const [status, setStatus] = useState(params.get('status') ?? defaultStatus);
  // A page at a time from the service: two hundred rows, each with its proposed award worked out, took
  // the service and the browser longer to list than the whole page may take.
  const [offset, setOffset] = useState(0);
  const [selected, setSelected] = useState<string | null>(params.get('application'));
  const list = useLoad(() => get<Application[]>(applicationPagePath(status, offset)), [status, offset]);
  const rows = list.data?.slice(0, applicationPageSize);
  const nextPage = list.data !== undefined && list.data.length > applicationPageSize;
  const showStatus = (next: string) => {
    setStatus(next);
    setOffset(0);
  };
  const selectedParam = params.get('application');
  if (selectedParam !== null && selectedParam !== selected && list.loading) setSelected(selectedParam);
  const refresh = () => list.reload();
  const [lastNotice, setLastNotice] = useState<OpenedNotice | null>(null);

  return (
    <>
      <h1>{tr('申报与审批', 'Applications')}</h1>
      {hasRole('admin', 'reviewer') && <RegisterEnterprise />}
      {hasRole('admin') && programmes.data !== undefined && <AllocateBudget programmes={programmes.data} />}
      {hasRole('reviewer') && programmes.data !== undefined && (
        <SubmitApplication
          programmes={programmes.data}
          submitted={(id) => {
            showStatus('submitted');
            setSelected(id);
            refresh();
          }}
        />
      )}
      <Section title={tr('申请列表', 'Applications')}>
        <form class="filters" onSubmit={(e) => e.preventDefault()}>
          <Field label={tr('状态', 'Status')}>
            <select value={status} onChange={(e) => showStatus(value(e))}>
              {['submitted', 'in_review', 'reviewed', 'in_notice', 'approved', 'rejected', 'withdrawn', 'revoked'].map((s) => (
                <option value={s}>{statusName(s)}</option>
              ))}
            </select>
          </Field>
        </form>
        <Loading loaded={list} />
        {(status === 'reviewed' || status === 'in_review') && hasRole('approver') && rows !== undefined && programmes.data !== undefined && (
          <OpenNotice
            key={status}
            applications={status === 'reviewed' ? rows : rows.filter((a) => heldBeforeLastStage(programmes.data!.find((p) => p.id === a.programmeId)))}
            programmes={programmes.data}
            opened={(notice) => {
              setLastNotice(notice);
              refresh();
            }}
          />
        )}
        {lastNotice !== null && (
          <p class="ok" role="status">
            {tr('已开始公示', 'Notice opened')}: {lastNotice.noticeId} · {tr('截止', 'ends on')} {lastNotice.endsOn}
            {lastNotice.entries.some((e) => e.proposedAward !== null) && (
              <>
                {' '}
                · {tr('拟奖励金额', 'proposed awards')}:{' '}
                {lastNotice.entries.map((e) => (
                  <span>
                    <code title={e.applicationId}>{e.applicationId.slice(-8)}</code> <Yuan amount={e.proposedAward ?? undefined} />{' '}
                  </span>
                ))}
              </>
            )}
          </p>
        )}
        {rows !== undefined && rows.length === 0 && <p class="muted">{tr('没有此状态的申请。', 'No application has this status.')}</p>}
        {rows !== undefined && rows.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">{tr('申请', 'Application')}</th>
                <th scope="col">{tr('支持政策', 'Programme')}</th>
                <th scope="col">{tr('企业', 'Enterprise')}</th>
                <th scope="col">{tr('提交时间', 'Submitted')}</th>
                <th scope="col" class="num">
                  {tr('申报(元)', 'Claimed')}
                </th>
                <th scope="col" class="num">
                  {tr('认定(元)', 'Recognized')}
                </th>
                <th scope="col" class="num">
                  {tr('应得(元)', 'Entitlement')}
                </th>
                <th scope="col"></th>
              </tr>
            </thead>
            <tbody>
              {rows.map((a) => (
                <tr aria-selected={a.applicationId === selected}>
                  <td>
                    <code>{a.applicationId}</code>
                  </td>
                  <td>
                    {programmeName(
                      programmes.data?.find((p) => p.id === a.programmeId),
                      a.programmeId,
                    )}
                  </td>
                  <td>{a.uscc}</td>
                  <td>
                    <Time iso={a.submittedAt} />
                  </td>
                  <td class="num">
                    <Yuan amount={a.claimed} />
                  </td>
                  <td class="num">
                    <Yuan amount={a.recognized} />
                  </td>
                  <td class="num">{entitlementKnown(a) ? <Yuan amount={a.entitlement} /> : '—'}</td>
                  <td>
                    <button type="button" class="link" onClick={() => setSelected(a.applicationId)}>
                      {tr('办理', 'Open')}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {(offset > 0 || nextPage) && (
          <nav class="actions" aria-label={tr('申请列表分页', 'Pages of the list')}>
            <button type="button" class="secondary" disabled={offset === 0 || list.loading} onClick={() => setOffset(Math.max(offset - applicationPageSize, 0))}>
              {tr('上一页', 'Previous page')}
            </button>
            <span>
              {tr(`第 ${offset + 1}–${offset + (rows?.length ?? 0)} 项`, `Rows ${offset + 1}–${offset + (rows?.length ?? 0)}`)}
            </span>
            <button type="button" class="secondary" disabled={!nextPage || list.loading} onClick={() => setOffset(offset + applicationPageSize)}>
              {tr('下一页', 'Next page')}
            </button>
          </nav>
        )}
      </Section>
      {selected !== null && programmes.data !== undefined && <ApplicationDesk key={selected} applicationId={selected} programmes={programmes.data} changed={refresh} />}
    </>
  );
}

function RegisterEnterprise() {
  const [form, setForm] = useState({ uscc: '', name: '', city: 'baoding', district: '' });
  const action = useAction(() =>
    post('/api/enterprises', { uscc: form.uscc.trim(), name: form.name.trim(), city: form.city, ...(form.district.trim() === '' ? {} : { district: form.district.trim() }) }),
  );
  return (
    <details class="card">
      <summary>{tr('登记企业', 'Register an enterprise')}</summary>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void action.act();
        }}
      >
        <Field label={tr('统一社会信用代码', 'USCC')}>
          <input name="uscc" value={form.uscc} required maxLength={18} onInput={(e) => setForm({ ...form, uscc: value(e) })} />
        </Field>
        <Field label={tr('企业名称', 'Name')}>
          <input name="name" value={form.name} required onInput={(e) => setForm({ ...form, name: value(e) })} />
        </Field>
        <Field label={tr('城市', 'City')}>
          <select name="city" value={form.city} onChange={(e) => setForm({ ...form, city: value(e) })}>
            <option value="baoding">{tr('保定', 'Baoding')}</option>
            <option value="wuhan">{tr('武汉', 'Wuhan')}</option>
          </select>
        </Field>
        <Field label={tr('区县', 'District')}>
          <input name="district" value={form.district} onInput={(e) => setForm({ ...form, district: value(e) })} />
        </Field>
        <button type="submit" disabled={action.busy}>
          {tr('登记', 'Register')}
        </button>
        {action.result !== undefined && (
          <span class="ok" role="status">
            {tr('已登记', 'Registered')}
          </span>
        )}
      </form>
      <Problem error={action.error} />
    </details>
  );
}

function AllocateBudget({ programmes }: { programmes: Programme[] }) {
  const [form, setForm] = useState({ programmeId: programmes[0]?.id ?? '', year: String(beijingYear()), amount: '' });
  const action = useAction(() => post(`/api/programmes/${encodeURIComponent(form.programmeId)}/budgets`, { year: Number(form.year), amount: form.amount.trim() }));
  return (
    <details class="card">
      <summary>{tr('下达年度预算', 'Allocate a year’s budget')}</summary>
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void action.act();
        }}
      >
        <Field label={tr('支持政策', 'Programme')}>
          <select value={form.programmeId} onChange={(e) => setForm({ ...form, programmeId: value(e) })}>
            {programmes.map((p) => (
              <option value={p.id}>{programmeName(p, p.id)}</option>
            ))}
          </select>
        </Field>
        <Field label={tr('年度', 'Year')}>
          <input type="number" value={form.year} onInput={(e) => setForm({ ...form, year: value(e) })} />
        </Field>
        <Field label={tr('金额(元)', 'Amount (yuan)')}>
          <input value={form.amount} inputMode="decimal" required onInput={(e) => setForm({ ...form, amount: value(e) })} />
        </Field>
        <button type="submit" disabled={action.busy}>
          {tr('下达', 'Allocate')}
        </button>
        {action.result !== undefined && (
          <span class="ok" role="status">
            {tr('已下达', 'Allocated')}
          </span>
        )}
      </form>
      <Problem error={action.error} />
    </details>
  );
}

interface ItemForm {
  invoiceNumber: string;
  /** 发票代码: with an 8-digit number only (a 20-digit 全电发票 number stands alone). */
  invoiceCode: string;
  invoiceDate: string;
  amount: string;
  category: string;
}

function SubmitApplication({ programmes, submitted }: { programmes: Programme[]; submitted: (applicationId: string) => void }) {
  const [head, setHead] = useState({ programmeId: programmes[0]?.id ?? '', uscc: '', fiscalYear: String(beijingYear()), matterKey: '' });
  const [items, setItems] = useState<ItemForm[]>([{ invoiceNumber: '', invoiceCode: '', invoiceDate: beijingToday(), amount: '', category: 'compute-rental' }]);
  const action = useAction(
    () =>
      post<{ applicationId: string }>('/api/applications', {
        programmeId: head.programmeId,
        uscc: head.uscc.trim(),
        fiscalYear: Number(head.fiscalYear),
        ...(head.matterKey.trim() === '' ? {} : { matterKey: head.matterKey.trim() }),
        items: items.map((i) => ({
          invoiceNumber: i.invoiceNumber.trim(),
          ...(i.invoiceCode.trim() === '' ? {} : { invoiceCode: i.invoiceCode.trim() }),
          invoiceDate: i.invoiceDate, amount: i.amount.trim(), category: i.category })),
      }),
    (r) => submitted(r.applicationId),
  );
  const setItem = (index: number, change: Partial<ItemForm>) => setItems(items.map((item, i) => (i === index ? { ...item, ...change } : item)));
  return (
    <details class="card">
      <summary>{tr('受理申请(按发票)', 'Submit an application (by invoices)')}</summary>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void action.act();
        }}
      >
        <div class="inline">
          <Field label={tr('支持政策', 'Programme')}>
            <select name="programmeId" value={head.programmeId} onChange={(e) => setHead({ ...head, programmeId: value(e) })}>
              {programmes.map((p) => (
                <option value={p.id}>{programmeName(p, p.id)}</option>
              ))}
            </select>
          </Field>
          <Field label={tr('统一社会信用代码', 'USCC')}>
            <input name="applicant" value={head.uscc} required maxLength={18} onInput={(e) => setHead({ ...head, uscc: value(e) })} />
          </Field>
          <Field label={tr('申报年度', 'Fiscal year')}>
            <input type="number" value={head.fiscalYear} onInput={(e) => setHead({ ...head, fiscalYear: value(e) })} />
          </Field>
          <Field label={tr('事项键(可选)', 'Matter key (optional)')}>
            <input value={head.matterKey} onInput={(e) => setHead({ ...head, matterKey: value(e) })} />
          </Field>
        </div>
        {items.map((item, index) => (
          <fieldset class="inline">
            <legend>
              {tr('发票', 'Invoice')} {index + 1}
            </legend>
            <Field label={tr('发票号码', 'Invoice number')}>
              <input name={`invoice-${index}`} value={item.invoiceNumber} required onInput={(e) => setItem(index, { invoiceNumber: value(e) })} />
            </Field>
            <Field label={tr('发票代码(8位号码时必填)', 'Invoice code (with an 8-digit number)')}>
              <input name={`invoice-code-${index}`} value={item.invoiceCode} maxLength={12} inputMode="numeric" onInput={(e) => setItem(index, { invoiceCode: value(e) })} />
            </Field>
            <Field label={tr('开票日期', 'Invoice date')}>
              <input type="date" value={item.invoiceDate} required onInput={(e) => setItem(index, { invoiceDate: value(e) })} />
            </Field>
            <Field label={tr('金额(元)', 'Amount (yuan)')}>
              <input name={`amount-${index}`} value={item.amount} inputMode="decimal" required onInput={(e) => setItem(index, { amount: value(e) })} />
            </Field>
            <Field label={tr('类别', 'Category')}>
              <select value={item.category} onChange={(e) => setItem(index, { category: value(e) })}>
                {categories.map((c) => (
                  <option value={c}>{c}</option>
                ))}
              </select>
            </Field>
            {items.length > 1 && (
              <button type="button" class="link" onClick={() => setItems(items.filter((_, i) => i !== index))}>
                {tr('删除', 'Remove')}
              </button>
            )}
          </fieldset>
        ))}
        <div class="actions">
          <button type="button" class="secondary" onClick={() => setItems([...items, { invoiceNumber: '', invoiceCode: '', invoiceDate: beijingToday(), amount: '', category: 'compute-rental' }])}>
            {tr('添加发票', 'Add an invoice')}
          </button>
          <button type="submit" disabled={action.busy}>
            {tr('提交', 'Submit')}
          </button>
        </div>
      </form>
      <Problem error={action.error} />
    </details>
  );
}

/** What opening a notice answers: its period, and the proposed award it lists for each application (null: none listed). */
interface OpenedNotice {
  noticeId: string;
  afterStage: string;
  endsOn: string;
  entries: { applicationId: string; proposedAward: string | null }[];
}

/** Whether the programme holds a notice before its last review (Wuhan dataset construction: 确认主体). */
function heldBeforeLastStage(programme: Programme | undefined): boolean {
  return programme !== undefined && (programme.noticeStages ?? []).some((n) => n.afterStage !== programme.stages[programme.stages.length - 1]);
}

function OpenNotice({ applications, programmes, opened }: { applications: Application[]; programmes: Programme[]; opened: (notice: OpenedNotice) => void }) {
  // The choice outlives a page of the list: a notice may list applications from several pages, all of
  // the programme of the first one chosen.
  const [chosen, setChosen] = useState<{ programmeId: string | undefined; applicationIds: string[] }>({ programmeId: undefined, applicationIds: [] });
  const [opensOn, setOpensOn] = useState(beijingToday());
  const programmeId = chosen.programmeId;
  const action = useAction(
    () => post<OpenedNotice>('/api/notices', { programmeId, applicationIds: chosen.applicationIds, opensOn }),
    (notice) => {
      setChosen({ programmeId: undefined, applicationIds: [] });
      opened(notice);
    },
  );
  const choose = (a: Application, checked: boolean) => {
    const applicationIds = checked ? [...chosen.applicationIds, a.applicationId] : chosen.applicationIds.filter((c) => c !== a.applicationId);
    setChosen({ programmeId: applicationIds.length === 0 ? undefined : a.programmeId, applicationIds });
  };
  if (applications.length === 0 && chosen.applicationIds.length === 0) return null;
  return (
    <form
      class="card"
      onSubmit={(e) => {
        e.preventDefault();
        void action.act();
      }}
    >
      <h3>{tr('开始公示(同一支持政策的申请)', 'Open a public notice (applications of one programme)')}</h3>
      <ul class="plain">
        {applications.map((a) => (
          <li>
            <label>
              <input
                type="checkbox"
                checked={chosen.applicationIds.includes(a.applicationId)}
                disabled={programmeId !== undefined && a.programmeId !== programmeId}
                onChange={(e) => choose(a, (e.target as HTMLInputElement).checked)}
              />{' '}
              <code>{a.applicationId}</code> ·{' '}
              {programmeName(
                programmes.find((p) => p.id === a.programmeId),
                a.programmeId,
              )}{' '}
              · {a.uscc} · {tr('认定', 'recognized')} <Yuan amount={a.recognized ?? a.claimed} />
            </label>
          </li>
        ))}
      </ul>
      <div class="inline">
        <Field label={tr('公示开始日期', 'Opens on')}>
          <input type="date" value={opensOn} onInput={(e) => setOpensOn(value(e))} />
        </Field>
        <button type="submit" disabled={action.busy || chosen.applicationIds.length === 0}>
          {tr('开始公示', 'Open the notice')}
        </button>
        {chosen.applicationIds.length > 0 && <span>{tr(`已选 ${chosen.applicationIds.length} 项`, `${chosen.applicationIds.length} chosen`)}</span>}
      </div>
      <Problem error={action.error} />
    </form>
  );
}

/** One application: its figures and review trail, and what the signed-in roles may do with it now. */
function ApplicationDesk({ applicationId, programmes, changed }: { applicationId: string; programmes: Programme[]; changed: () => void }) {
  const application = useLoad(() => get<Application>(`/api/applications/${encodeURIComponent(applicationId)}`), [applicationId]);
  const timeline = useLoad(() => get<TimelineEntry[]>(`/api/applications/${encodeURIComponent(applicationId)}/timeline`), [applicationId]);
  const reload = () => {
    application.reload();
    timeline.reload();
    changed();
  };
  const a = application.data;
  const programme = programmes.find((p) => p.id === a?.programmeId);
  const reviews = (timeline.data ?? []).filter((e) => e.type === 'StageReviewed');
  const passed = reviews.map((e) => e.data['stage'] as string);
  const nextStage = programme?.stages.find((s) => !passed.includes(s));
  return (
    <Section title={`${tr('办理申请', 'Application')} ${applicationId}`}>
      <Loading loaded={application} />
      {a !== undefined && (
        <>
          <dl class="facts">
            <dt>{tr('状态', 'Status')}</dt>
            <dd>{statusName(a.status)}</dd>
            <dt>{tr('支持政策', 'Programme')}</dt>
            <dd>{programmeName(programme, a.programmeId)}</dd>
            <dt>{tr('企业', 'Enterprise')}</dt>
            <dd>{a.uscc}</dd>
            <dt>{tr('申报金额(元)', 'Claimed (yuan)')}</dt>
            <dd>
              <Yuan amount={a.claimed} />
            </dd>
            <dt>{tr('认定金额(元)', 'Recognized (yuan)')}</dt>
            <dd>
              <Yuan amount={a.recognized} />
            </dd>
            <dt>{tr('应得奖励(元)', 'Entitlement (yuan)')}</dt>
            <dd>{entitlementKnown(a) ? <Yuan amount={a.entitlement} /> : tr('批准时计算', 'worked out on approval')}</dd>
            <dt>{tr('奖励 / 已拨付(元)', 'Award / paid (yuan)')}</dt>
            <dd>
              <Yuan amount={a.award} /> / <Yuan amount={a.paid} />
            </dd>
            {a.noticeEndsOn !== null && (
              <>
                <dt>{tr('公示截止', 'Notice ends')}</dt>
                <dd>{a.noticeEndsOn}</dd>
              </>
            )}
          </dl>
          <h3>{tr('审核记录', 'Reviews')}</h3>
          <ol>
            {reviews.map((r) => (
              <li>
                {stageName(r.data['stage'] as string)} · {r.actorId} · <Time iso={r.recordedAt} />
                {typeof r.data['recognizedAmount'] === 'string' && (
                  <>
                    {' '}
                    · {tr('认定', 'recognized')} <Yuan amount={r.data['recognizedAmount'] as string} />
                  </>
                )}
              </li>
            ))}
          </ol>
          {hasRole('reviewer') && (a.status === 'submitted' || a.status === 'in_review') && programme !== undefined && (
            <ReviewForm key={nextStage} application={a} stages={programme.stages} nextStage={nextStage} done={reload} />
          )}
          {hasRole('approver') && a.status === 'in_notice' && a.noticeId !== null && <Objections application={a} timeline={timeline.data ?? []} done={reload} />}
          {hasRole('approver') && (a.status === 'in_notice' || a.status === 'reviewed') && (
            <ApproveForm application={a} finalReviewer={reviews.find((r) => r.data['final'] === true)?.actorId ?? reviews.at(-1)?.actorId} done={reload} />
          )}
          {hasRole('approver') && a.status === 'approved' && <AfterApproval application={a} done={reload} />}
        </>
      )}
    </Section>
  );
}

function ReviewForm({ application, stages, nextStage, done }: { application: Application; stages: string[]; nextStage: string | undefined; done: () => void }) {
  const [stage, setStage] = useState(nextStage ?? stages[0] ?? '');
  const [outcome, setOutcome] = useState<'pass' | 'reject'>('pass');
  const [recognizedAmount, setRecognizedAmount] = useState('');
  const [reason, setReason] = useState('');
  const action = useAction(
    () =>
      post(`/api/applications/${application.applicationId}/reviews`, {
        stage,
        outcome,
        ...(recognizedAmount.trim() === '' ? {} : { recognizedAmount: recognizedAmount.trim() }),
        ...(reason.trim() === '' ? {} : { reason: reason.trim() }),
      }),
    done,
  );
  return (
    <form
      class="card inline"
      aria-label={tr('记录审核', 'Record a review')}
      onSubmit={(e) => {
        e.preventDefault();
        void action.act();
      }}
    >
      <h3>{tr('记录审核', 'Record a review')}</h3>
      <Field label={tr('审核环节', 'Stage')}>
        <select name="stage" value={stage} onChange={(e) => setStage(value(e))}>
          {stages.map((s) => (
            <option value={s}>{stageName(s)}</option>
          ))}
        </select>
      </Field>
      <Field label={tr('结论', 'Outcome')}>
        <select name="outcome" value={outcome} onChange={(e) => setOutcome(value(e) as 'pass')}>
          <option value="pass">{tr('通过', 'pass')}</option>
          <option value="reject">{tr('不通过', 'reject')}</option>
        </select>
      </Field>
      <Field label={tr('认定金额(元,可选)', 'Recognized amount (yuan, optional)')} hint={`${tr('不超过申报金额', 'at most the claimed')} ${application.claimed}`}>
        <input name="recognizedAmount" value={recognizedAmount} inputMode="decimal" onInput={(e) => setRecognizedAmount(value(e))} />
      </Field>
      <Field label={tr('理由', 'Reason')}>
        <input name="reason" value={reason} required={outcome === 'reject'} onInput={(e) => setReason(value(e))} />
      </Field>
      <button type="submit" disabled={action.busy}>
        {tr('记录', 'Record')}
      </button>
      <Problem error={action.error} />
    </form>
  );
}

/** The channels by which the public's objections arrive, as the API names them. */
const objectionChannels = ['letter', 'phone', 'visit', 'online', 'email', 'other'] as const;
const channelNames: Record<(typeof objectionChannels)[number], [string, string]> = {
  letter: ['来信', 'letter'],
  phone: ['来电', 'phone'],
  visit: ['来访', 'visit'],
  online: ['网上', 'online'],
  email: ['电子邮件', 'email'],
  other: ['其他', 'other'],
};

function Objections({ application, timeline, done }: { application: Application; timeline: TimelineEntry[]; done: () => void }) {
  const [summary, setSummary] = useState('');
  const [objector, setObjector] = useState('');
  const [channel, setChannel] = useState<(typeof objectionChannels)[number]>('letter');
  const file = useAction(
    () =>
      post(`/api/notices/${application.noticeId}/objections`, {
        applicationId: application.applicationId,
        summary,
        channel,
        // Left empty: an anonymous objection.
        ...(objector.trim() === '' ? {} : { objector: objector.trim() }),
      }),
    done,
  );
  const resolved = new Set(timeline.filter((e) => e.type === 'ObjectionResolved').map((e) => e.data['objectionId'] as string));
  const open = timeline.filter((e) => e.type === 'ObjectionFiled' && !resolved.has(e.data['objectionId'] as string));
  return (
    <div class="card">
      <h3>{tr('公示异议', 'Objections')}</h3>
      {open.map((o) => (
        <Resolve noticeId={application.noticeId!} objection={o} done={done} />
      ))}
      <form
        class="inline"
        onSubmit={(e) => {
          e.preventDefault();
          void file.act();
        }}
      >
        <Field label={tr('异议摘要', 'Summary of the objection')}>
          <input value={summary} required onInput={(e) => setSummary(value(e))} />
        </Field>
        <Field label={tr('异议人(空为匿名)', 'Objector (empty: anonymous)')}>
          <input value={objector} onInput={(e) => setObjector(value(e))} />
        </Field>
        <Field label={tr('受理渠道', 'Channel')}>
          <select value={channel} onChange={(e) => setChannel((e.target as HTMLSelectElement).value as (typeof objectionChannels)[number])}>
            {objectionChannels.map((c) => (
              <option value={c}>{tr(...channelNames[c])}</option>
            ))}
          </select>
        </Field>
        <button type="submit" disabled={file.busy}>
          {tr('登记异议', 'File')}
        </button>
      </form>
      <Problem error={file.error} />
    </div>
  );
}

function Resolve({ noticeId, objection, done }: { noticeId: string; objection: TimelineEntry; done: () => void }) {
  const [reason, setReason] = useState('');
  const resolve = useAction(
    (outcome: 'upheld' | 'dismissed') => post(`/api/notices/${noticeId}/objections/${objection.data['objectionId'] as string}/resolution`, { outcome, reason }),
    done,
  );
  return (
    <div class="inline">
      <span>
        {objection.data['summary'] as string} (<Time iso={objection.recordedAt} />)
      </span>
      <input aria-label={tr('处理理由', 'Reason')} placeholder={tr('处理理由', 'Reason')} value={reason} onInput={(e) => setReason(value(e))} />
      <button type="button" disabled={resolve.busy || reason.trim() === ''} onClick={() => void resolve.act('dismissed')}>
        {tr('不予采纳', 'Dismiss')}
      </button>
      <button type="button" class="secondary" disabled={resolve.busy || reason.trim() === ''} onClick={() => void resolve.act('upheld')}>
        {tr('异议成立(驳回申请)', 'Uphold (rejects the application)')}
      </button>
      <Problem error={resolve.error} />
    </div>
  );
}

/** The body whose collective decision approves awards (党组集体研究), by the programme's city. */
function decisionBodyOf(programmeId: string): string {
  return programmeId.startsWith('wuhan-') ? '武汉市数据局党组' : '保定市数据局党组';
}

function ApproveForm({ application, finalReviewer, done }: { application: Application; finalReviewer: string | undefined; done: () => void }) {
  const me = currentSession()!.sub;
  const [decisionRef, setDecisionRef] = useState('');
  const [body, setBody] = useState(decisionBodyOf(application.programmeId));
  const [decidedOn, setDecidedOn] = useState(beijingToday());
  const [amount, setAmount] = useState('');
  // The decision recorded by an earlier click whose approval was refused: a retry cites it again.
  const [recorded, setRecorded] = useState<{ key: string; decisionId: string } | null>(null);
  const budget = useLoad(() => get<Budget>(`/api/budgets/${encodeURIComponent(application.programmeId)}/${application.fiscalYear}`), [application.applicationId]);
  const action = useAction(async () => {
    const decided = amount.trim() === '' ? (entitlementKnown(application) ? application.entitlement : '0.00') : amount.trim();
    const key = JSON.stringify([decisionRef.trim(), body.trim(), decidedOn, decided]);
    let decisionId = recorded?.key === key ? recorded.decisionId : null;
    if (decisionId === null) {
      // The collective decision is recorded first (its minutes, body, day and the amount it approved); the approval cites it.
      const decision = await post<{ decisionId: string }>('/api/decisions', {
        reference: decisionRef.trim(),
        decidedOn,
        body: body.trim(),
        kind: 'collective',
        awards: [{ applicationId: application.applicationId, amount: decided }],
      });
      decisionId = decision.decisionId;
      setRecorded({ key, decisionId });
    }
    return await post(`/api/applications/${application.applicationId}/approval`, { decisionRef: decisionId, ...(amount.trim() === '' ? {} : { amount: amount.trim() }) });
  }, done);
  const blocked = finalReviewer === me;
  const award = amount.trim() === '' ? (entitlementKnown(application) ? application.entitlement : null) : amount.trim();
  const after = budget.data === undefined || award === null || !/^[0-9]+(\.[0-9]{1,2})?$/.test(award) ? null : subtractAmounts(budget.data.remaining, award);
  return (
    <form
      class="card"
      aria-label={tr('集体研究批准', 'Approve')}
      onSubmit={(e) => {
        e.preventDefault();
        void action.act();
      }}
    >
      <h3>{tr('集体研究批准', 'Approve by collective decision')}</h3>
      <p>
        {tr('应得奖励', 'Entitlement')}:{' '}
        {entitlementKnown(application) ? (
          <>
            <Yuan amount={application.entitlement} /> {tr('元', 'yuan')} ({tr('认定金额', 'recognized')} {yuan(application.recognized ?? application.claimed)} {tr('元', 'yuan')})
          </>
        ) : (
          `${tr('批准时按规则计算,认定金额', 'worked out by the rule on approval, from the recognized')} ${yuan(application.recognized ?? application.claimed)} ${tr('元', 'yuan')}`
        )}{' '}
        · {tr('预算剩余', 'Budget left')}: <Yuan amount={budget.data?.remaining} /> {tr('元', 'yuan')}
        {after !== null && (
          <>
            {' '}
            · {tr('批准后剩余', 'left after this')}:{' '}
            <span class={fenOf(after) < 0n ? 'problem' : ''}>
              <Yuan amount={after} />
            </span>{' '}
            {tr('元', 'yuan')}
          </>
        )}
      </p>
      <p class={blocked ? 'sod blocked' : 'sod'}>
        {tr('终审人', 'Final reviewer')}: {finalReviewer ?? '—'} · {tr('您', 'you')}: {me}
        {blocked ? ` — ${tr('终审人不得批准本申请', 'the final reviewer may not approve it')}` : ''}
      </p>
      {application.status === 'reviewed' && <p class="muted">{tr('批准前须完成公示。', 'It must go through a public notice first.')}</p>}
      <div class="inline">
        <Field label={tr('集体研究决定文号', 'Decision reference')}>
          <input name="decisionRef" value={decisionRef} required onInput={(e) => setDecisionRef(value(e))} />
        </Field>
        <Field label={tr('决策机构', 'Decided by')}>
          <input name="decisionBody" value={body} required onInput={(e) => setBody(value(e))} />
        </Field>
        <Field label={tr('决定日期', 'Decided on')}>
          <input name="decidedOn" type="date" value={decidedOn} required onInput={(e) => setDecidedOn(value(e))} />
        </Field>
        <Field label={tr('核减后的金额(元,可选)', 'A lower amount (yuan, optional)')}>
          <input name="approvalAmount" value={amount} inputMode="decimal" onInput={(e) => setAmount(value(e))} />
        </Field>
        <button type="submit" disabled={action.busy || blocked}>
          {tr('批准', 'Approve')}
        </button>
      </div>
      <Problem error={action.error} />
    </form>
  );
}

function AfterApproval({ application, done }: { application: Application; done: () => void }) {
  const [reason, setReason] = useState('');
  const [amount, setAmount] = useState('');
  const [fraud, setFraud] = useState(false);
  // A fraud's ban ends on a day the decision sets (Wuhan art. 12): there is no permanent ban.
  const [banUntil, setBanUntil] = useState('');
  const revoke = useAction(() => post(`/api/applications/${application.applicationId}/revocation`, { reason }), done);
  const clawback = useAction(
    () => post(`/api/applications/${application.applicationId}/clawbacks`, { amount: amount.trim(), reason, fraud, ...(fraud ? { banUntil } : {}) }),
    done,
  );
  const paid = fenOf(application.paid) > 0n;
  return (
    <div class="card">
      <h3>{paid ? tr('责令追回', 'Order a clawback') : tr('撤销奖励', 'Revoke the award')}</h3>
      <div class="inline">
        <Field label={tr('理由', 'Reason')}>
          <input value={reason} onInput={(e) => setReason(value(e))} />
        </Field>
        {paid ? (
          <>
            <Field label={tr('追回金额(元)', 'Amount (yuan)')} hint={`${tr('已拨付', 'paid')} ${application.paid}`}>
              <input value={amount} inputMode="decimal" onInput={(e) => setAmount(value(e))} />
            </Field>
            <label>
              <input type="checkbox" checked={fraud} onChange={(e) => setFraud((e.target as HTMLInputElement).checked)} /> {tr('骗取补贴', 'fraud')}
            </label>
            {fraud && (
              <Field label={tr('禁止申报至', 'Banned until')}>
                <input type="date" value={banUntil} required onInput={(e) => setBanUntil(value(e))} />
              </Field>
            )}
            <button
              type="button"
              disabled={clawback.busy || reason.trim() === '' || amount.trim() === '' || (fraud && banUntil === '')}
              onClick={() => void clawback.act()}
            >
              {tr('责令追回', 'Order')}
            </button>
          </>
        ) : (
          <button type="button" class="secondary" disabled={revoke.busy || reason.trim() === ''} onClick={() => void revoke.act()}>
            {tr('撤销', 'Revoke')}
          </button>
        )}
      </div>
      <Problem error={revoke.error ?? clawback.error} />
    </div>
  );
}
