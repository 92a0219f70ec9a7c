// Exports of the log for auditors: JSON Lines (every field, exactly); CSV that Excel opens safely
// (UTF-8 with a BOM, no cell that Excel would run as a formula); and .xlsx with typed cells. CSV and
// .xlsx come in two views: the business view (applications, awards, disbursements, clawbacks,
// recoveries, notices: Chinese headers, Beijing time, enterprise names) and the raw event log.
import { defined } from '../shared/assert.js';
import { stringify } from 'csv-stringify';
import { Decimal } from 'decimal.js';
import ExcelJS from 'exceljs';
import { once } from 'node:events';
import type { Writable } from 'node:stream';
import { streams } from '../shared/streams.js';
import type { EventStore, StoredEvent } from '../event-store/event-store.js';

export function eventAsJson(event: StoredEvent): Record<string, unknown> {
  return {
    position: event.position.toString(),
    stream: event.stream,
    revision: event.revision.toString(),
    id: event.id,
    type: event.type,
    schemaVersion: event.schemaVersion,
    data: event.data,
    metadata: event.metadata,
    prevHash: event.prevHash,
    hash: event.hash,
  };
}

export interface ExportRange {
  /** Export the events after this position. */
  readonly afterPosition?: bigint;
  readonly maxCount?: number;
}

export const exportViews = ['business', 'events'] as const;
export type ExportView = (typeof exportViews)[number];

function rangeOf(range: ExportRange): { afterPosition: bigint; maxCount?: number } {
  return { afterPosition: range.afterPosition ?? 0n, ...(range.maxCount === undefined ? {} : { maxCount: range.maxCount }) };
}

export async function* exportJsonl(store: EventStore, range: ExportRange = {}, onEvent?: (event: StoredEvent) => void): AsyncIterable<string> {
  for await (const event of store.readAll(rangeOf(range))) {
    onEvent?.(event);
    yield `${JSON.stringify(eventAsJson(event))}\n`;
  }
}

/**
 * What a cell holds, so that each format can type it: `amount` a decimal string with two decimals,
 * `time` an ISO instant, `integer` digits, `text` anything else (ids included: never numbers).
 */
export type CellKind = 'text' | 'amount' | 'time' | 'integer';

export interface ExportColumn {
  readonly header: string;
  readonly kind: CellKind;
  /** Width in characters in the .xlsx sheet. */
  readonly width: number;
}

/** One row: a value per column, `null` for an empty cell. */
export type ExportRow = readonly (string | null)[];

export const eventColumns: readonly ExportColumn[] = [
  { header: 'position', kind: 'integer', width: 10 },
  { header: 'recorded_at', kind: 'text', width: 26 },
  { header: 'type', kind: 'text', width: 24 },
  { header: 'stream', kind: 'text', width: 40 },
  { header: 'revision', kind: 'integer', width: 9 },
  { header: 'actor_id', kind: 'text', width: 16 },
  { header: 'actor_role', kind: 'text', width: 12 },
  { header: 'command_id', kind: 'text', width: 38 },
  { header: 'application_id', kind: 'text', width: 38 },
  { header: 'uscc', kind: 'text', width: 20 },
  { header: 'amount', kind: 'amount', width: 16 },
  { header: 'reason', kind: 'text', width: 30 },
  { header: 'data', kind: 'text', width: 60 },
  { header: 'hash', kind: 'text', width: 66 },
];

/** The event's main amount, if it has one: already a decimal string with two decimals. */
function amountOf(data: Record<string, unknown>): string | null {
  for (const field of ['amount', 'award', 'claimedTotal', 'recognizedAmount']) {
    const value = data[field];
    if (typeof value === 'string') return value;
  }
  return null;
}

function textOf(value: unknown): string | null {
  return typeof value === 'string' ? value : null;
}

/** A row of the raw event log: every event, its exact time in UTC as stored. */
export function eventRowOf(event: StoredEvent): ExportRow {
  const data = event.data as Record<string, unknown>;
  return [
    event.position.toString(),
    event.metadata.recordedAt,
    event.type,
    event.stream,
    event.revision.toString(),
    event.metadata.actorId,
    event.metadata.actorRole,
    event.metadata.commandId,
    textOf(data['applicationId']),
    textOf(data['uscc']),
    amountOf(data),
    textOf(data['reason']),
    JSON.stringify(data),
    event.hash,
  ];
}

export const businessColumns: readonly ExportColumn[] = [
  { header: '日志位置', kind: 'integer', width: 10 },
  { header: '记录时间（北京时间）', kind: 'time', width: 20 },
  { header: '业务类别', kind: 'text', width: 10 },
  { header: '事项', kind: 'text', width: 12 },
  { header: '申请编号', kind: 'text', width: 38 },
  { header: '项目', kind: 'text', width: 28 },
  { header: '统一社会信用代码', kind: 'text', width: 20 },
  { header: '企业名称', kind: 'text', width: 30 },
  { header: '金额（元）', kind: 'amount', width: 16 },
  { header: '单据编号', kind: 'text', width: 38 },
  { header: '原因或说明', kind: 'text', width: 40 },
  { header: '操作人', kind: 'text', width: 16 },
  { header: '操作角色', kind: 'text', width: 10 },
  { header: '事件类型', kind: 'text', width: 22 },
];

interface BusinessEntry {
  readonly category: string;
  readonly matter: string;
  /** The data field holding the amount, the reference and the explanation shown. */
  readonly amount?: string;
  readonly reference?: string;
  readonly note?: string;
}

/**
 * The events an auditor reads as business: everything else (budget and enterprise-year running
 * totals, indexes, processed commands, programme definitions) is bookkeeping, kept in the raw log.
 */
const businessEntries: Readonly<Record<string, BusinessEntry>> = {
  ApplicationSubmitted: { category: '申请', matter: '提交申请', amount: 'claimedTotal' },
  StageReviewed: { category: '申请', matter: '审核', amount: 'recognizedAmount', reference: 'stage', note: 'reason' },
  ApplicationRejected: { category: '申请', matter: '驳回申请', reference: 'stage', note: 'reason' },
  ApplicationWithdrawn: { category: '申请', matter: '撤回申请', note: 'reason' },
  AwardApproved: { category: '奖补', matter: '核定奖补', amount: 'award', reference: 'decisionRef', note: 'caseByCaseJustification' },
  AwardRevoked: { category: '奖补', matter: '撤销奖补', amount: 'award', note: 'reason' },
  AwardReduced: { category: '奖补', matter: '更正核减奖补', amount: 'amount', reference: 'causeApplicationId', note: 'cause' },
  DisbursementRecorded: { category: '拨付', matter: '登记拨付', amount: 'amount', reference: 'disbursementId', note: 'paymentRef' },
  DisbursementConfirmed: { category: '拨付', matter: '确认拨付', amount: 'amount', reference: 'disbursementId' },
  DisbursementRejected: { category: '拨付', matter: '退回拨付', amount: 'amount', reference: 'disbursementId', note: 'reason' },
  ClawbackOrdered: { category: '追回', matter: '责令追回', amount: 'amount', reference: 'clawbackId', note: 'reason' },
  ClawbackWrittenOff: { category: '追回', matter: '核销追回', amount: 'amount', reference: 'clawbackId', note: 'reason' },
  RecoveryRecorded: { category: '收回', matter: '收回款项', amount: 'amount', reference: 'clawbackId', note: 'receiptRef' },
  NoticeOpened: { category: '公示', matter: '开始公示', reference: 'noticeId' },
  ApplicationNoticed: { category: '公示', matter: '列入公示', reference: 'noticeId' },
  ObjectionFiled: { category: '公示', matter: '提出异议', reference: 'objectionId', note: 'summary' },
  ObjectionResolved: { category: '公示', matter: '处理异议', reference: 'objectionId', note: 'reason' },
};

/** Applications and enterprises looked up at most, kept in memory: an export's memory stays bounded. */
export const exportLookupCacheSizeMax = 20_000;

/** A map that forgets its oldest entry past a size. */
class BoundedCache<V> {
  private readonly entries = new Map<string, V>();

  constructor(private readonly sizeMax: number) {}

  get(key: string): V | undefined {
    return this.entries.get(key);
  }

  set(key: string, value: V): void {
    if (this.entries.size >= this.sizeMax) this.entries.delete(defined(this.entries.keys().next().value, 'this.entries.keys().next().value'));
    this.entries.set(key, value);
  }
}

/** Names an application's programme and enterprise, and an enterprise by its name, from their streams. */
class BusinessLookup {
  private readonly applications = new BoundedCache<{ programmeId: string | null; uscc: string | null }>(exportLookupCacheSizeMax);
  private readonly enterprises = new BoundedCache<string | null>(exportLookupCacheSizeMax);

  constructor(private readonly store: EventStore) {}

  private async firstData(stream: string): Promise<Record<string, unknown> | undefined> {
    const [first] = await this.store.readStream(stream, { maxCount: 1 });
    return first?.data as Record<string, unknown> | undefined;
  }

  async application(applicationId: string): Promise<{ programmeId: string | null; uscc: string | null }> {
    let found = this.applications.get(applicationId);
    if (found === undefined) {
      const submitted = await this.firstData(streams.application(applicationId));
      found = { programmeId: textOf(submitted?.['programmeId']), uscc: textOf(submitted?.['uscc']) };
      this.applications.set(applicationId, found);
    }
    return found;
  }

  async enterpriseName(uscc: string): Promise<string | null> {
    let name = this.enterprises.get(uscc);
    if (name === undefined) {
      name = textOf((await this.firstData(streams.enterprise(uscc)))?.['name']);
      this.enterprises.set(uscc, name);
    }
    return name;
  }
}

async function businessRowOf(event: StoredEvent, lookup: BusinessLookup): Promise<ExportRow | undefined> {
  const entry = businessEntries[event.type];
  if (entry === undefined) return undefined;
  const data = event.data as Record<string, unknown>;
  const applicationId = textOf(data['applicationId']);
  const application = applicationId === null ? undefined : await lookup.application(applicationId);
  const programmeId = textOf(data['programmeId']) ?? application?.programmeId ?? null;
  const uscc = textOf(data['uscc']) ?? application?.uscc ?? null;
  const field = (name: string | undefined): string | null => (name === undefined ? null : textOf(data[name]));
  return [
    event.position.toString(),
    event.metadata.recordedAt,
    entry.category,
    entry.matter,
    applicationId,
    programmeId,
    uscc,
    uscc === null ? null : await lookup.enterpriseName(uscc),
    field(entry.amount),
    field(entry.reference),
    field(entry.note),
    event.metadata.actorId,
    event.metadata.actorRole,
    event.type,
  ];
}

export function columnsOf(view: ExportView): readonly ExportColumn[] {
  return view === 'business' ? businessColumns : eventColumns;
}

/** The rows of a view, in log order. */
export async function* exportRows(store: EventStore, view: ExportView, range: ExportRange = {}, onEvent?: (event: StoredEvent) => void): AsyncIterable<ExportRow> {
  const lookup = new BusinessLookup(store);
  for await (const event of store.readAll(rangeOf(range))) {
    onEvent?.(event);
    const row = view === 'business' ? await businessRowOf(event, lookup) : eventRowOf(event);
    if (row !== undefined) yield row;
  }
}

const beijingOffsetMs = 8 * 60 * 60 * 1000;

/** "2025-07-01 09:30:00": the wall-clock time in Beijing, as finance staff read it. */
export function beijingTimeOf(instantIso: string): string {
  return new Date(Date.parse(instantIso) + beijingOffsetMs).toISOString().slice(0, 19).replace('T', ' ');
}

/** An amount in a CSV row: not a string, so that the writer leaves it unquoted. */
class CsvAmount {
  constructor(readonly text: string) {}
}

/**
 * A CSV cell. Amounts and integers are handed to the writer as non-strings, so that they are written
 * unquoted (Excel reads them as numbers) and are not mistaken for formulas; text is quoted.
 */
function csvCellOf(kind: CellKind, value: string | null): unknown {
  if (value === null) return '';
  switch (kind) {
    case 'amount':
      return new CsvAmount(value);
    case 'integer':
      return BigInt(value);
    case 'time':
      return beijingTimeOf(value);
    case 'text':
      return value;
  }
}

export async function* exportCsv(store: EventStore, view: ExportView, range: ExportRange = {}, onEvent?: (event: StoredEvent) => void): AsyncIterable<string> {
  const columns = columnsOf(view);
  // Quoted text keeps commas, quotes and line breaks inside their cell; `escape_formulas` puts a `'`
  // before any text starting with = + - @, a tab or a CR, which Excel would otherwise run.
  const stringifier = stringify({
    bom: true,
    header: true,
    columns: columns.map((column) => column.header),
    quoted_string: true,
    quoted_empty: true,
    escape_formulas: true,
    record_delimiter: 'windows',
    cast: { object: (value) => (value instanceof CsvAmount ? value.text : JSON.stringify(value)) },
  });
  const feeding = (async () => {
    try {
      for await (const row of exportRows(store, view, range, onEvent)) {
        if (!stringifier.write(row.map((value, i) => csvCellOf(defined(columns[i], 'columns[i]').kind, value)))) await once(stringifier, 'drain');
      }
      stringifier.end();
    } catch (error) {
      stringifier.destroy(error as Error);
    }
  })();
  for await (const chunk of stringifier) yield typeof chunk === 'string' ? chunk : (chunk as Buffer).toString('utf8');
  await feeding;
}

const xlsxFormats: Readonly<Record<CellKind, string | undefined>> = {
  amount: '#,##0.00',
  time: 'yyyy-mm-dd hh:mm:ss',
  integer: '0',
  text: '@',
};

/**
 * An .xlsx cell: amounts are numbers (a double holds every two-decimal amount below 90 trillion
 * yuan exactly enough to show), times are dates in Beijing wall-clock time (Excel has no zones),
 * everything else text, which Excel never evaluates.
 */
function xlsxCellOf(kind: CellKind, value: string | null): string | number | Date | null {
  if (value === null) return null;
  switch (kind) {
    case 'amount':
      return new Decimal(value).toNumber();
    case 'integer':
      return Number(value);
    case 'time':
      return new Date(Date.parse(value) + beijingOffsetMs);
    case 'text':
      return value;
  }
}

/** Rows written between two checks of the output's backpressure. */
const xlsxRowsPerDrainCheck = 500;

/** Streams a view as an .xlsx workbook to `output`, row by row: memory stays bounded. */
export async function exportXlsx(store: EventStore, view: ExportView, output: Writable, range: ExportRange = {}, onEvent?: (event: StoredEvent) => void): Promise<void> {
  const columns = columnsOf(view);
  const workbook = new ExcelJS.stream.xlsx.WorkbookWriter({ stream: output, useStyles: true, useSharedStrings: false });
  const sheet = workbook.addWorksheet(view === 'business' ? '业务记录' : 'events', { views: [{ state: 'frozen', ySplit: 1 }] });
  sheet.columns = columns.map((column, i) => ({
    key: String(i),
    header: column.header,
    width: column.width,
    style: { numFmt: defined(xlsxFormats[column.kind], 'xlsxFormats[column.kind]') },
  }));
  let rowCount = 0;
  for await (const row of exportRows(store, view, range, onEvent)) {
    sheet.addRow(row.map((value, i) => xlsxCellOf(defined(columns[i], 'columns[i]').kind, value))).commit();
    rowCount += 1;
    if (rowCount % xlsxRowsPerDrainCheck === 0 && output.writableNeedDrain) await once(output, 'drain');
  }
  sheet.commit();
  await workbook.commit();
}
