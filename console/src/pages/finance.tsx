// Finance staff: awards awaiting payment, payments awaiting their checker, clawbacks still owed,
// and the payment notices of confirmed payments. Segregation of duties is shown before any click;
// the API enforces it either way.
import { useState } from 'preact/hooks';
import { currentSession, get, post } from '../api';
import { beijingToday } from '../format';
import { tr } from '../i18n';
import { Field, Loading, Problem, Section, Time, Yuan, useAction, useFirstItems, useLoad } from '../ui';
import { programmeName, usePrograms } from '../records';

export interface Disbursement {
  disbursementId: string;
  applicationId: string;
  programmeId: string | null;
  uscc: string | null;
  enterpriseName: string | null;
  amount: string;
  paymentRef: string;
  paidOn: string;
  status: 'recorded' | 'confirmed' | 'rejected';
  recordedBy: string;
  recordedAt: string;
  recordedPosition: string;
  checkedBy: string | null;
  checkedAt: string | null;
  rejectionReason: string | null;
  approvedBy: string | null;
  award: string | null;
  decisionRef: string | null;
}

interface Clawback {
  clawbackId: string;
  applicationId: string;
  uscc: string | null;
  enterpriseName: string | null;
  amount: string;
  reason: string;
  fraud: boolean;
  orderedBy: string;
  orderedAt: string;
  recovered: string;
  outstanding: string;
}

/** Confirmed payments listed, newest first; older ones are found from the application. */
const confirmedShownMax = 50;
/** Clawbacks laid out at first, the rest on request: each is a paragraph and a button. */
const clawbacksShownFirst = 20;
/** Confirmed payments laid out at first, the rest of the latest on request. */
const confirmedShownFirst = 20;

interface AwaitingPayment {
  applicationId: string;
  programmeId: string;
  fiscalYear: number;
  uscc: string | null;
  enterpriseName: string | null;
  approvedBy: string | null;
  award: string;
  paid: string;
  pending: string;
  unpaid: string;
}

export function FinancePage() {
  const me = currentSession()!.sub;
  const programmes = usePrograms();
  const approved = useLoad(() => get<AwaitingPayment[]>('/api/awards/awaiting-payment'), []);
  const pending = useLoad(() => get<Disbursement[]>('/api/disbursements?status=recorded'), []);
  const confirmed = useLoad(() => get<Disbursement[]>(`/api/disbursements?status=confirmed&latest=${confirmedShownMax}`), []);
  const clawbacks = useLoad(() => get<Clawback[]>('/api/clawbacks?outstanding=true'), []);
  const reloadAll = () => {
    approved.reload();
    pending.reload();
    confirmed.reload();
    clawbacks.reload();
  };
  const awaiting = approved.data ?? [];
  const owed = useFirstItems(clawbacks.data, clawbacksShownFirst);
  const latest = useFirstItems(confirmed.data, confirmedShownFirst);

  return (
    <>
      <h1>{tr('资金拨付', 'Payments')}</h1>
      <Section title={tr('待拨付的奖励(经办登记)', 'Awards awaiting payment (maker)')}>
        <Loading loaded={approved} />
        {approved.data !== undefined && awaiting.length === 0 && <p class="muted">{tr('没有待拨付的奖励。', 'No award awaits payment.')}</p>}
        {awaiting.length > 0 && (
          <table>
            <thead>
              <tr>
                <th scope="col">{tr('申请', 'Application')}</th>
                <th scope="col">{tr('支持政策', 'Programme')}</th>
                <th scope="col">{tr('企业', 'Enterprise')}</th>
                <th scope="col" class="num">{tr('奖励(元)', 'Award')}</th>
                <th scope="col" class="num">{tr('已拨付(元)', 'Paid')}</th>
                <th scope="col" class="num">{tr('待拨付(元)', 'To pay')}</th>
                <th scope="col">{tr('登记拨付', 'Record a payment')}</th>
              </tr>
            </thead>
            <tbody>
              {awaiting.map((a) => (
                <tr>
                  <td><code>{a.applicationId}</code></td>
                  <td>{programmeName(programmes.data?.find((p) => p.id === a.programmeId), a.programmeId)}</td>
                  <td>{a.enterpriseName ?? a.uscc}</td>
                  <td class="num"><Yuan amount={a.award} /></td>
                  <td class="num"><Yuan amount={a.paid} /></td>
                  <td class="num"><Yuan amount={a.unpaid} /></td>
                  <td>
                    <RecordPayment application={a} me={me} done={reloadAll} />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        )}
      </Section>
      <Section title={tr('待复核的拨付(复核确认或退回)', 'Payments awaiting their checker')}>
        <Loading loaded={pending} />
        {pending.data !== undefined && pending.data.length === 0 && <p class="muted">{tr('没有待复核的拨付。', 'No payment awaits a check.')}</p>}
        {(pending.data ?? []).map((d) => (
          <CheckPayment disbursement={d} me={me} done={reloadAll} />
        ))}
      </Section>
      <Section title={tr('待收回的追回款', 'Clawbacks still owed')}>
        <Loading loaded={clawbacks} />
        {clawbacks.data !== undefined && clawbacks.data.length === 0 && <p class="muted">{tr('没有待收回的款项。', 'Nothing is owed.')}</p>}
        {owed.shown.map((c) => (
          <RecordRecovery clawback={c} done={reloadAll} />
        ))}
        {owed.more}
      </Section>
      <Section title={tr('最近确认的拨付与拨付通知', 'Latest confirmed payments and their notices')}>
        <Loading loaded={confirmed} />
        <table>
          <thead>
            <tr>
              <th scope="col">{tr('支付凭证号', 'Payment ref.')}</th>
              <th scope="col">{tr('企业', 'Enterprise')}</th>
              <th scope="col">{tr('支付日期', 'Paid on')}</th>
              <th scope="col" class="num">{tr('金额(元)', 'Amount')}</th>
              <th scope="col">{tr('经办 / 复核', 'Maker / checker')}</th>
              <th scope="col">{tr('拨付通知', 'Notice')}</th>
            </tr>
          </thead>
          <tbody>
            {latest.shown.map((d) => (
              <tr>
                <td>{d.paymentRef}</td>
                <td>{d.enterpriseName ?? d.uscc}</td>
                <td>{d.paidOn}</td>
                <td class="num"><Yuan amount={d.amount} /></td>
                <td>{d.recordedBy} / {d.checkedBy}</td>
                <td>
                  <a href={`#/payment-notice/${d.disbursementId}`}>{tr('打开并打印', 'Open and print')}</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
        {latest.more}
      </Section>
    </>
  );
}

function RecordPayment({ application, me, done }: { application: AwaitingPayment; me: string; done: () => void }) {
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState(application.unpaid);
  const [paymentRef, setPaymentRef] = useState('');
  const [paidOn, setPaidOn] = useState(beijingToday());
  const approvedBy = application.approvedBy;
  const action = useAction(() => post(`/api/applications/${application.applicationId}/disbursements`, { amount, paymentRef, paidOn }), () => {
    setOpen(false);
    done();
  });
  if (!open) {
    return (
      <button type="button" onClick={() => setOpen(true)}>
        {tr('登记拨付…', 'Record…')}
      </button>
    );
  }
  const blocked = approvedBy === me;
  return (
    <form
      class="inline"
      onSubmit={(e) => {
        e.preventDefault();
        void action.act();
      }}
    >
      <p class={blocked ? 'sod blocked' : 'sod'}>
        {tr('批准人', 'Approved by')}: {approvedBy ?? '…'} · {tr('您', 'you')}: {me}
        {blocked ? ` — ${tr('批准人不得经办本奖励的拨付', 'the approver of an award may not record its payments')}` : ''}
      </p>
      <Field label={tr('金额(元)', 'Amount (yuan)')}>
        <input name="amount" value={amount} inputMode="decimal" pattern="[0-9]+(\.[0-9]{1,2})?" required onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
      </Field>
      <Field label={tr('支付凭证号', 'Payment reference')}>
        <input name="paymentRef" value={paymentRef} required onInput={(e) => setPaymentRef((e.target as HTMLInputElement).value)} />
      </Field>
      <Field label={tr('支付日期', 'Paid on')}>
        <input name="paidOn" type="date" value={paidOn} required onInput={(e) => setPaidOn((e.target as HTMLInputElement).value)} />
      </Field>
      <button type="submit" disabled={action.busy || blocked}>
        {tr('登记', 'Record')}
      </button>
      <button type="button" class="link" onClick={() => setOpen(false)}>
        {tr('取消', 'Cancel')}
      </button>
      <Problem error={action.error} />
    </form>
  );
}

function CheckPayment({ disbursement: d, me, done }: { disbursement: Disbursement; me: string; done: () => void }) {
  const [reason, setReason] = useState('');
  const confirm = useAction(() => post(`/api/disbursements/${d.disbursementId}/confirmation`), done);
  const reject = useAction(() => post(`/api/disbursements/${d.disbursementId}/rejection`, { reason }), done);
  const blockedReason =
    d.recordedBy === me
      ? tr('您登记了这笔拨付:须由另一位财务人员复核', 'You recorded this payment: another finance user must check it')
      : d.approvedBy === me
        ? tr('您批准了这笔奖励:不得复核其拨付', 'You approved this award: you may not check its payments')
        : null;
  return (
    <article class="item" aria-label={`${tr('拨付', 'Payment')} ${d.paymentRef}`}>
      <p>
        <strong>{d.enterpriseName ?? d.uscc}</strong> · {d.paymentRef} · {tr('支付日期', 'paid on')} {d.paidOn} · <Yuan amount={d.amount} /> {tr('元', 'yuan')}
      </p>
      <p class={blockedReason === null ? 'sod' : 'sod blocked'}>
        {tr('经办', 'Maker')}: {d.recordedBy} (<Time iso={d.recordedAt} />) · {tr('批准人', 'Approver')}: {d.approvedBy ?? '—'} · {tr('复核人(您)', 'Checker (you)')}: {me}
        {blockedReason !== null && ` — ${blockedReason}`}
      </p>
      <div class="actions">
        <button type="button" disabled={confirm.busy || blockedReason !== null} onClick={() => void confirm.act()}>
          {tr('复核确认', 'Confirm')}
        </button>
        <input aria-label={tr('退回理由', 'Reason to reject')} placeholder={tr('退回理由', 'Reason to reject')} value={reason} onInput={(e) => setReason((e.target as HTMLInputElement).value)} />
        <button type="button" class="secondary" disabled={reject.busy || blockedReason !== null || reason.trim() === ''} onClick={() => void reject.act()}>
          {tr('退回', 'Reject')}
        </button>
      </div>
      <Problem error={confirm.error ?? reject.error} />
    </article>
  );
}

/** A clawback owed; its receipt form opens on request (a page of them, each with a date field, is slow to lay out). */
function RecordRecovery({ clawback: c, done }: { clawback: Clawback; done: () => void }) {
  const [open, setOpen] = useState(false);
  const [amount, setAmount] = useState(c.outstanding);
  const [receivedOn, setReceivedOn] = useState(beijingToday());
  const [receiptRef, setReceiptRef] = useState('');
  const action = useAction(() => post(`/api/clawbacks/${c.clawbackId}/recoveries`, { amount, receivedOn, receiptRef }), () => {
    setOpen(false);
    done();
  });
  return (
    <article class="item" aria-label={`${tr('追回', 'Clawback')} ${c.clawbackId}`}>
      <p>
        <strong>{c.enterpriseName ?? c.uscc}</strong> · {tr('申请', 'application')} <code>{c.applicationId}</code> · {tr('责令追回', 'ordered')} <Yuan amount={c.amount} /> · {tr('已收回', 'recovered')}{' '}
        <Yuan amount={c.recovered} /> · {tr('待收回', 'owed')} <Yuan amount={c.outstanding} /> {tr('元', 'yuan')} · {c.reason}
        {c.fraud ? ` · ${tr('骗补', 'fraud')}` : ''}
      </p>
      {!open && (
        <button type="button" onClick={() => setOpen(true)}>
          {tr('登记收回…', 'Record a receipt…')}
        </button>
      )}
      {open && (
        <form
          class="inline"
          onSubmit={(e) => {
            e.preventDefault();
            void action.act();
          }}
        >
          <Field label={tr('收回金额(元)', 'Amount received (yuan)')}>
            <input value={amount} inputMode="decimal" required onInput={(e) => setAmount((e.target as HTMLInputElement).value)} />
          </Field>
          <Field label={tr('收款日期', 'Received on')}>
            <input type="date" value={receivedOn} required onInput={(e) => setReceivedOn((e.target as HTMLInputElement).value)} />
          </Field>
          <Field label={tr('收款凭证号', 'Receipt reference')}>
            <input value={receiptRef} required onInput={(e) => setReceiptRef((e.target as HTMLInputElement).value)} />
          </Field>
          <button type="submit" disabled={action.busy}>
            {tr('登记收回', 'Record receipt')}
          </button>
          <button type="button" class="link" onClick={() => setOpen(false)}>
            {tr('取消', 'Cancel')}
          </button>
        </form>
      )}
      <Problem error={action.error} />
    </article>
  );
}
