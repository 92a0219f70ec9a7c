// Supervisors' budget dashboard: one programme-year, now or as of a past day or log position.
import { useMemo, useState } from 'preact/hooks';
import { get } from '../api';
import { Chart, type ChartOption } from '../chart';
import { beijingToday, beijingYear, chartValue, endOfBeijingDay, fenOf, percent, wan } from '../format';
import { lang, tr } from '../i18n';
import { programmeName, usePrograms, type Budget } from '../records';
import { Field, Loading, Section, Yuan, useLoad } from '../ui';

interface Breakdown {
  position: string;
  months: Array<{ month: string; committed: string; paid: string }>;
  districts: Array<{ district: string | null; committed: string; applications: number }>;
}

/** The months to draw: the whole year once it is over, else up to the as-of day or today; figures carried forward. */
function monthsShown(breakdown: Breakdown, year: number, until: string): Breakdown['months'] {
  const last = Number(until.slice(0, 4)) > year ? 12 : Number(until.slice(0, 4)) < year ? 0 : Number(until.slice(5, 7));
  const shown: Breakdown['months'] = [];
  let carried = { committed: '0.00', paid: '0.00' };
  for (let month = 1; month <= last; month += 1) {
    const key = `${year}-${String(month).padStart(2, '0')}`;
    const found = breakdown.months.find((m) => m.month === key);
    if (found !== undefined) carried = { committed: found.committed, paid: found.paid };
    shown.push({ month: key, ...carried });
  }
  return shown;
}

/** The month chart's series, named by the key under it (the chart library's legend is not loaded). */
const committedColour = '#1d5fa7';
const paidColour = '#b8520a';

export function BudgetPage({ params }: { params: URLSearchParams }) {
  const programmes = usePrograms();
  const [programmeId, setProgrammeId] = useState(params.get('programme') ?? 'baoding-data-voucher');
  const [year, setYear] = useState(Number(params.get('year') ?? beijingYear()));
  // What the year box shows while being typed in: a re-render (the programmes arriving) must not put the old year back.
  const [yearText, setYearText] = useState(String(year));
  const [asOfKind, setAsOfKind] = useState<'now' | 'date' | 'position'>('now');
  const [asOfText, setAsOfText] = useState('');

  const asOf = asOfKind === 'date' && /^\d{4}-\d{2}-\d{2}$/.test(asOfText) ? endOfBeijingDay(asOfText) : asOfKind === 'position' && /^\d+$/.test(asOfText) ? asOfText : null;
  const asOfQuery = asOf === null ? '' : `?asOf=${encodeURIComponent(asOf)}`;

  const budget = useLoad(() => get<Budget>(`/api/budgets/${encodeURIComponent(programmeId)}/${year}${asOfQuery}`), [programmeId, year, asOfQuery]);
  const breakdown = useLoad(() => get<Breakdown>(`/api/budgets/${encodeURIComponent(programmeId)}/${year}/breakdown${asOfQuery}`), [programmeId, year, asOfQuery]);
  const until = asOfKind === 'date' && asOf !== null ? asOfText : beijingToday();
  const months = useMemo(() => (breakdown.data === undefined || asOfKind === 'position' ? [] : monthsShown(breakdown.data, year, until)), [breakdown.data, year, until, asOfKind]);

  const b = budget.data;
  const unit = tr('万元', '10k yuan');
  const figures = b === undefined ? [] : ([
    [tr('年度预算', 'Budget'), b.budget],
    [tr('已承诺', 'Committed'), b.committed],
    [tr('已拨付', 'Paid'), b.paid],
    [tr('已责令追回', 'Clawed back'), b.clawbackOrdered],
    [tr('已收回', 'Recovered'), b.recovered],
    [tr('剩余可用', 'Remaining'), b.remaining],
  ] as const);

  const barOption = useMemo<ChartOption>(
    () => ({
      grid: { left: 80, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'category', data: figures.map(([label]) => label) },
      yAxis: { type: 'value', name: unit },
      series: [{ type: 'bar', data: figures.map(([, amount]) => chartValue(amount) / 10_000), itemStyle: { color: committedColour } }],
    }),
    [b, lang()],
  );
  const gaugeOption = useMemo<ChartOption>(() => {
    const used = b === undefined || fenOf(b.budget) === 0n ? 0 : Number((fenOf(b.committed) * 1000n) / fenOf(b.budget)) / 10;
    return {
      series: [{ type: 'gauge', min: 0, max: 100, detail: { formatter: '{value}%', fontSize: 18 }, data: [{ value: used, name: tr('预算执行率', 'Committed') }], axisLine: { lineStyle: { width: 14 } } }],
    };
  }, [b, lang()]);
  const monthOption = useMemo<ChartOption>(
    () => ({
      grid: { left: 80, right: 20, top: 20, bottom: 30 },
      xAxis: { type: 'category', data: months.map((m) => m.month) },
      yAxis: { type: 'value', name: unit },
      series: [
        { name: tr('已承诺', 'Committed'), type: 'bar', data: months.map((m) => chartValue(m.committed) / 10_000), itemStyle: { color: committedColour } },
        { name: tr('已拨付', 'Paid'), type: 'line', data: months.map((m) => chartValue(m.paid) / 10_000), itemStyle: { color: paidColour } },
      ],
    }),
    [months, lang()],
  );
  const districts = useMemo(
    () => (breakdown.data?.districts ?? []).map((d) => ({ district: d.district ?? tr('未填区县', 'no district'), count: d.applications, award: d.committed })),
    [breakdown.data, lang()],
  );
  const districtOption = useMemo<ChartOption>(
    () => ({
      series: [{ type: 'pie', radius: ['35%', '70%'], data: districts.map((d) => ({ name: d.district, value: chartValue(d.award) / 10_000 })) }],
    }),
    [districts],
  );

  const programme = programmes.data?.find((p) => p.id === programmeId);
  return (
    <>
      <h1>{tr('预算看板', 'Budget dashboard')}</h1>
      <form class="filters" onSubmit={(e) => e.preventDefault()}>
        <Field label={tr('支持政策', 'Programme')}>
          <select value={programmeId} onChange={(e) => setProgrammeId((e.target as HTMLSelectElement).value)}>
            {(programmes.data ?? []).map((p) => (
              <option value={p.id}>{programmeName(p, p.id)}</option>
            ))}
          </select>
        </Field>
        <Field label={tr('年度', 'Year')}>
          <input
            type="number"
            min={2000}
            max={2100}
            value={yearText}
            onInput={(e) => setYearText((e.target as HTMLInputElement).value)}
            onChange={(e) => {
              const typed = Number((e.target as HTMLInputElement).value);
              if (Number.isInteger(typed) && typed >= 2000 && typed <= 2100) setYear(typed);
            }}
          />
        </Field>
        <Field label={tr('截至', 'As of')}>
          <select value={asOfKind} onChange={(e) => { setAsOfKind((e.target as HTMLSelectElement).value as 'now'); setAsOfText(''); }}>
            <option value="now">{tr('当前', 'now')}</option>
            <option value="date">{tr('某日(北京时间日终)', 'a day (its end, Beijing time)')}</option>
            <option value="position">{tr('日志位置', 'a log position')}</option>
          </select>
        </Field>
        {asOfKind !== 'now' && (
          <Field label={asOfKind === 'date' ? tr('日期', 'Date') : tr('位置', 'Position')}>
            {asOfKind === 'date' ? (
              <input type="date" name="asOfDate" value={asOfText} onInput={(e) => setAsOfText((e.target as HTMLInputElement).value)} />
            ) : (
              <input type="text" name="asOfPosition" inputMode="numeric" value={asOfText} onInput={(e) => setAsOfText((e.target as HTMLInputElement).value)} />
            )}
          </Field>
        )}
      </form>
      <Loading loaded={budget} />
      {b !== undefined && (
        <>
          <Section title={`${programmeName(programme, programmeId)} · ${year} · ${tr('日志位置', 'log position')} ${b.position}`}>
            <table class="figures">
              <thead>
                <tr>
                  <th scope="col">{tr('项目', 'Figure')}</th>
                  <th scope="col" class="num">{tr('金额(元)', 'Amount (yuan)')}</th>
                  <th scope="col" class="num">{tr('万元', '10k yuan')}</th>
                  <th scope="col" class="num">{tr('占预算', 'Of budget')}</th>
                </tr>
              </thead>
              <tbody>
                {figures.map(([label, amount]) => (
                  <tr>
                    <th scope="row">{label}</th>
                    <td class="num">
                      <Yuan amount={amount} />
                    </td>
                    <td class="num">{wan(amount)}</td>
                    <td class="num">{percent(amount, b.budget)}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </Section>
          <div class="grid2">
            <Section title={tr('预算构成(万元)', 'Budget figures (10k yuan)')}>
              <Chart option={barOption} label={tr('预算、承诺、拨付、追回与剩余的柱状图', 'Bar chart of budget, committed, paid, clawed back and remaining')} />
            </Section>
            <Section title={tr('预算执行率', 'Share of budget committed')}>
              <Chart option={gaugeOption} label={`${tr('已承诺占预算', 'Committed of budget')} ${percent(b.committed, b.budget)}`} />
            </Section>
          </div>
        </>
      )}
      <div class="grid2">
        <Section title={tr('逐月累计承诺与拨付(万元,月末)', 'Committed and paid by month end (10k yuan)')}>
          {asOfKind === 'position' ? <p class="muted">{tr('按日志位置查询时不显示逐月数据。', 'Not shown for an as-of by log position.')}</p> : <Loading loaded={breakdown} />}
          {months.length > 0 && <Chart option={monthOption} label={tr('逐月累计承诺与拨付', 'Committed and paid by month')} />}
          {months.length > 0 && (
            <p class="chart-key">
              <span class="swatch" style={{ background: committedColour }} /> {tr('已承诺(柱)', 'Committed (bars)')} <span class="swatch" style={{ background: paidColour }} />{' '}
              {tr('已拨付(线)', 'Paid (line)')}
            </p>
          )}
          {months.length > 0 && (
            <details>
              <summary>{tr('逐月数据', 'Figures by month')}</summary>
              <table>
                <thead>
                  <tr>
                    <th scope="col">{tr('月份', 'Month')}</th>
                    <th scope="col" class="num">{tr('累计承诺(元)', 'Committed (yuan)')}</th>
                    <th scope="col" class="num">{tr('累计拨付(元)', 'Paid (yuan)')}</th>
                  </tr>
                </thead>
                <tbody>
                  {months.map((m) => (
                    <tr>
                      <td>{m.month}</td>
                      <td class="num"><Yuan amount={m.committed} /></td>
                      <td class="num"><Yuan amount={m.paid} /></td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </details>
          )}
        </Section>
        <Section title={tr('按区县的已承诺奖励', 'Awards committed by district')}>
          <Loading loaded={breakdown} />
          {districts.length > 0 && <Chart option={districtOption} label={tr('按区县的已承诺奖励', 'Awards committed by district')} height={220} />}
          <table>
            <thead>
              <tr>
                <th scope="col">{tr('区县', 'District')}</th>
                <th scope="col" class="num">{tr('项目数', 'Applications')}</th>
                <th scope="col" class="num">{tr('已承诺(万元)', 'Committed (10k yuan)')}</th>
              </tr>
            </thead>
            <tbody>
              {districts.map((d) => (
                <tr>
                  <td>{d.district}</td>
                  <td class="num">{d.count}</td>
                  <td class="num">{wan(d.award)}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </Section>
      </div>
    </>
  );
}
