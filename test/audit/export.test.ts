// Exports an auditor opens in Excel: read back with a CSV parser and with exceljs, cell by cell, from a
// history whose reasons, names and user ids start with what Excel would run as a formula.
import { parse } from 'csv-parse/sync';
import ExcelJS from 'exceljs';
import { PassThrough } from 'node:stream';
import { exportCsv, exportXlsx, type ExportView } from '../../src/audit/export.js';
import { openLedgerCommands } from '../../src/commands/ledger-commands.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { generateSynthetic } from '../../src/synthetic/generator.js';
import { collect } from '../support/events.js';
import { appendFormulaHistory, formulaApplicationId as applicationId, formulaUscc as uscc, formulas } from '../support/formula-history.js';

describe('exports for Excel', () => {
  let store: SqliteEventStore;

  beforeAll(async () => {
    store = new SqliteEventStore({ path: ':memory:' });
    await generateSynthetic((await openLedgerCommands(store)).commands, { applications: 30, seed: 5 });
    await appendFormulaHistory(store);
  });

  afterAll(async () => {
    await store.close();
  });

  async function csvOf(view: ExportView): Promise<{ text: string; rows: string[][] }> {
    const text = (await collect(exportCsv(store, view))).join('');
    return { text, rows: parse(text, { bom: true, relax_column_count: false }) as string[][] };
  }

  async function workbookOf(view: ExportView): Promise<ExcelJS.Worksheet> {
    const output = new PassThrough();
    const chunks: Buffer[] = [];
    output.on('data', (chunk: Buffer) => chunks.push(chunk));
    await exportXlsx(store, view, output);
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(Buffer.concat(chunks) as unknown as ArrayBuffer);
    expect(workbook.worksheets).toHaveLength(1);
    return workbook.worksheets[0]!;
  }

  function rowsOf(sheet: ExcelJS.Worksheet): ExcelJS.Row[] {
    const rows: ExcelJS.Row[] = [];
    sheet.eachRow((row) => rows.push(row));
    return rows;
  }

  it('CSV, business view: Chinese headers, business events only, Beijing time, enterprise names, amounts unquoted, formulas neutralised', async () => {
    const { text, rows } = await csvOf('business');
    expect(text.startsWith('\uFEFF')).toBe(true);
    const [header, ...body] = rows;
    expect(header).toEqual([
      '日志位置',
      '记录时间（北京时间）',
      '业务类别',
      '事项',
      '申请编号',
      '项目',
      '统一社会信用代码',
      '企业名称',
      '金额（元）',
      '单据编号',
      '原因或说明',
      '操作人',
      '操作角色',
      '事件类型',
    ]);
    const types = new Set(body.map((row) => row[13]));
    for (const bookkeeping of ['AwardCommitted', 'AwardGranted', 'CommandProcessed', 'ProgrammePublished', 'DisbursementIndexed', 'InvoiceClaimed'])
      expect(types).not.toContain(bookkeeping);
    for (const business of ['ApplicationSubmitted', 'AwardApproved', 'DisbursementConfirmed', 'NoticeOpened']) expect(types).toContain(business);
    const ours = body.filter((row) => row[4] === applicationId);
    expect(ours.map((row) => row[3])).toEqual(['提交申请', '审核', '驳回申请', '退回拨付']);
    // 17:30 UTC on 31 December is 01:30 on 1 January in Beijing.
    expect(ours[0]![1]).toBe('2026-01-01 01:30:00');
    expect(ours[0]![7]).toBe(`'${formulas.name}`);
    expect(ours[0]![8]).toBe('1234567.89');
    expect(ours[0]![11]).toBe(`'${formulas.actorId}`);
    expect(ours[1]![9]).toBe(`'${formulas.tab}`);
    expect(ours[1]![10]).toBe(`'${formulas.carriage}`);
    expect(ours[2]![10]).toBe(`'${formulas.reason}`);
    expect(ours[3]![10]).toBe(`'${formulas.note}`);
    expect(ours[3]![7]).toBe(`'${formulas.name}`);
    // No cell Excel would evaluate: nothing starts with = + - @, a tab or a CR.
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
    // Amounts are written as numbers (unquoted), with two decimals; text stays quoted.
    expect(text).toContain(',1234567.89,');
    expect(text).toMatch(/,"合成企业[0-9]+有限公司",/);
    const synthetic = body.find((row) => row[13] === 'AwardApproved')!;
    expect(synthetic[7]).toMatch(/^合成企业[0-9]+有限公司$/);
    expect(synthetic[8]).toMatch(/^[0-9]+\.[0-9]{2}$/);
  });

  it('CSV, raw event log on request: every event, one row each, formulas neutralised', async () => {
    const { rows } = await csvOf('events');
    expect(rows[0]![0]).toBe('position');
    expect(rows.length - 1).toBe(Number(await store.headPosition()));
    const rejected = rows.find((row) => row[2] === 'ApplicationRejected' && row[8] === applicationId)!;
    expect(rejected[11]).toBe(`'${formulas.reason}`);
    expect(rejected[5]).toBe(`'${formulas.actorId}`);
    for (const row of rows) for (const cell of row) expect(cell).not.toMatch(/^[=+\-@\t\r]/);
  });

  it('.xlsx, business view: amounts are numbers with two decimals, times are dates in Beijing, ids and formulas are text', async () => {
    const sheet = await workbookOf('business');
    const [header, ...body] = rowsOf(sheet);
    expect(header!.getCell(8).value).toBe('企业名称');
    const ours = body.filter((row) => row.getCell(5).value === applicationId);
    expect(ours).toHaveLength(4);
    const submitted = ours[0]!;
    expect(submitted.getCell(1).type).toBe(ExcelJS.ValueType.Number);
    expect(submitted.getCell(2).type).toBe(ExcelJS.ValueType.Date);
    expect((submitted.getCell(2).value as Date).toISOString()).toBe('2026-01-01T01:30:00.000Z');
    expect(submitted.getCell(2).numFmt).toBe('yyyy-mm-dd hh:mm:ss');
    expect(submitted.getCell(9).type).toBe(ExcelJS.ValueType.Number);
    expect(submitted.getCell(9).value).toBe(1234567.89);
    expect(submitted.getCell(9).numFmt).toBe('#,##0.00');
    expect(submitted.getCell(7).type).toBe(ExcelJS.ValueType.String);
    expect(submitted.getCell(7).value).toBe(uscc);
    expect(submitted.getCell(8).value).toBe(formulas.name);
    expect(submitted.getCell(12).value).toBe(formulas.actorId);
    expect(ours[2]!.getCell(11).value).toBe(formulas.reason);
    expect(ours[1]!.getCell(10).value).toBe(formulas.tab);
    // Nothing in the sheet is a formula.
    for (const row of [header!, ...body]) row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula));
    const approved = body.find((row) => row.getCell(14).value === 'AwardApproved')!;
    expect(approved.getCell(8).value).toMatch(/^合成企业[0-9]+有限公司$/);
    expect(approved.getCell(9).type).toBe(ExcelJS.ValueType.Number);
  });

  it('.xlsx, raw event log: one row per event, positions as numbers, hashes and data as text', async () => {
    const sheet = await workbookOf('events');
    const rows = rowsOf(sheet);
    expect(rows.length - 1).toBe(Number(await store.headPosition()));
    const rejected = rows.find((row) => row.getCell(3).value === 'ApplicationRejected' && row.getCell(9).value === applicationId)!;
    expect(rejected.getCell(1).type).toBe(ExcelJS.ValueType.Number);
    expect(rejected.getCell(12).value).toBe(formulas.reason);
    expect(rejected.getCell(14).type).toBe(ExcelJS.ValueType.String);
    expect(rejected.getCell(14).value).toMatch(/^[0-9a-f]{64}$/);
    for (const row of rows) row.eachCell((cell) => expect(cell.type).not.toBe(ExcelJS.ValueType.Formula));
  });
});
