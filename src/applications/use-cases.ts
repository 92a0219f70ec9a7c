// The application use cases before the award: submit (reviewers, on the applicant's behalf), review
// stage by stage, withdraw.
import { createHash } from 'node:crypto';
import { timeOrderedUuid, invoiceIdentity } from '../shared/identifiers.js';
import * as read from '../shared/parse.js';
import { reviewOutcomes } from '../shared/patterns.js';
import { streams } from '../shared/streams.js';
import { noNotice, noticeStream } from '../notices/notice.js';
import { need, onStreams, useCase, type StreamNeed, type StreamWrite } from '../commands/use-case.js';
import { enterpriseStream } from '../enterprises/enterprise.js';
import { programmeStream, requireProgramme, versionInForce } from '../programmes/state.js';
import type { CalendarDate } from '../shared/time.js';
import { applicationStream, invoiceStream, type InvoiceHolder, type LiveApplication } from './application.js';
import { decideReview, decideSubmit, decideWithdraw, requireApplication, type ByInvoice } from './decide.js';
import type { StreamReader } from '../commands/use-case.js';
import type { ApplicationRecognition, InvoiceEvents } from './events.js';
import { matterStream } from '../awards/award-streams.js';

/** Each invoice's events on its own stream; a release needs no read (the application's stream orders it). */
export function onInvoiceStreams(byInvoice: ByInvoice<keyof InvoiceEvents> | undefined, released: boolean): StreamWrite[] {
  if (byInvoice === undefined) return [];
  return Object.entries(byInvoice).map(([identity, events]) => ({
    stream: streams.invoice(identity),
    events,
    ...(released ? { expectedRevision: 'stream-exists' as const } : {}),
  }));
}

/**
 * An application that exists, and its programme's version in force on `today` (rule
 * `programme-version-in-force`): its rule, stages, notice period and budget rule for this decision.
 */
export async function loadApplication(
  reader: StreamReader,
  applicationId: string,
  today: CalendarDate,
  alongside: (application: LiveApplication) => readonly StreamNeed[] = () => [],
) {
  const application = requireApplication(await reader.read(streams.application(applicationId), applicationStream), applicationId);
  const programmeName = streams.programme(application.submission.programmeId);
  // The programme and what the caller will read next are named by the application: read together.
  await reader.readAhead([need(programmeName, programmeStream), ...alongside(application)]);
  const programme = requireProgramme(await reader.read(programmeName, programmeStream), application.submission.programmeId);
  const inForce = versionInForce(programme, today);
  return { application, programme: inForce, programmeCurrent: inForce };
}

/**
 * The matter of a recognition award that names none (rule `recognition-once`): the recognition document
 * itself, by its issuer and reference. Naming the platform in `matterKey` is what lets a higher level,
 * recognized by a later document, be paid as the difference; without it, each document is a platform.
 */
function recognitionMatterOf(recognition: ApplicationRecognition): string {
  return `recognition-${createHash('sha256')
    .update(JSON.stringify([recognition.issuer, recognition.documentRef]))
    .digest('hex')
    .slice(0, 32)}`;
}

/** The recognition of a recognition award: the document, its issuing body, the day it was issued. */
function recognitionOf(value: unknown): ApplicationRecognition | null {
  if (value === undefined || value === null) return null;
  const recognition = read.objectOf(value, 'recognition');
  read.onlyFields(recognition, ['documentRef', 'issuer', 'issuedOn'], 'recognition');
  return {
    documentRef: read.name(recognition['documentRef'], 'recognition.documentRef', 200),
    issuer: read.name(recognition['issuer'], 'recognition.issuer', 200),
    issuedOn: read.date(recognition['issuedOn'], 'recognition.issuedOn'),
  };
}

export const submitApplication = useCase({
  type: 'SubmitApplication',
  roles: ['reviewer'],
  parse: ({ body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['programmeId', 'uscc', 'fiscalYear', 'matterKey', 'level', 'approvalRef', 'items', 'recognition']);
    const recognition = recognitionOf(input['recognition']);
    const programmeId = read.key(input['programmeId'], 'programmeId');
    const uscc = read.usccShaped(input['uscc']);
    const fiscalYear = read.integer(input['fiscalYear'], 'fiscalYear', 2000, 2100);
    // A recognition award is applied for without items.
    const listed = recognition !== null && input['items'] === undefined ? [] : read.list(input['items'], 'items', read.itemCountMax, { emptyAllowed: recognition !== null });
    const items = listed.map((raw, i) => {
      const item = read.objectOf(raw, `items[${i}]`);
      read.onlyFields(item, ['invoiceNumber', 'invoiceCode', 'invoiceDate', 'amount', 'category'], `items[${i}]`);
      return {
        ...read.invoice(item['invoiceNumber'], item['invoiceCode'], `items[${i}]`),
        invoiceDate: read.date(item['invoiceDate'], `items[${i}].invoiceDate`),
        amount: read.money(item['amount'], `items[${i}].amount`),
        category: read.optionalText(item['category'], `items[${i}].category`, 64),
      };
    });
    return {
      applicationId: timeOrderedUuid(context.now, context.commandId, 'application'),
      programmeId,
      uscc,
      fiscalYear,
      matterKey: read.optionalKey(input['matterKey'], 'matterKey') ?? (recognition === null ? null : recognitionMatterOf(recognition)),
      level: read.optionalText(input['level'], 'level', 64),
      approvalRef: read.optionalText(input['approvalRef'], 'approvalRef', 200),
      items,
      recognition,
    };
  },
  load: async (data, reader, metadata) => {
    const programme = requireProgramme(await reader.read(streams.programme(data.programmeId), programmeStream), data.programmeId);
    const enterprise = await reader.read(streams.enterprise(data.uscc), enterpriseStream);
    const invoices = new Map<string, InvoiceHolder>();
    const legacyInvoices = new Map<string, InvoiceHolder>();
    for (const item of data.items) {
      const identity = invoiceIdentity(item.invoiceNumber, item.invoiceCode);
      invoices.set(identity, await reader.read(streams.invoice(identity), invoiceStream));
      // Claims made before codes were kept sit on the stream of the number alone (see `invoice-identity`).
      if (item.invoiceCode !== null) legacyInvoices.set(item.invoiceNumber, await reader.read(streams.invoice(item.invoiceNumber), invoiceStream));
    }
    // A recognition award reads its platform's matter: a level already held is refused at once.
    const matter = data.recognition !== null && data.matterKey !== null ? await reader.read(streams.matter(data.uscc, data.matterKey), matterStream) : null;
    return { programme: versionInForce(programme, metadata.today), enterprise, invoices, legacyInvoices, matter };
  },
  decide: decideSubmit,
  write: (decided, command) => ({
    writes: onStreams(
      { stream: streams.application(command.data.applicationId), expectedRevision: 'no-stream', events: decided.application },
      ...onInvoiceStreams(decided.invoices, false),
    ),
    result: { applicationId: command.data.applicationId, status: 'submitted' as const },
  }),
});

export const reviewApplication = useCase({
  type: 'ReviewApplication',
  roles: ['reviewer'],
  reads: (data) => [need(streams.application(data.applicationId), applicationStream)],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['stage', 'outcome', 'recognizedAmount', 'reason']);
    return {
      applicationId: read.param(params, 'applicationId'),
      stage: read.text(input['stage'], 'stage', 64),
      outcome: read.oneOf(input['outcome'], reviewOutcomes, 'outcome'),
      recognizedAmount: input['recognizedAmount'] === undefined ? null : read.money(input['recognizedAmount'], 'recognizedAmount'),
      reason: read.optionalText(input['reason'], 'reason'),
    };
  },
  load: async (data, reader, metadata) => {
    const loaded = await loadApplication(reader, data.applicationId, metadata.today);
    const { application } = loaded;
    const notice = application.status === 'in_notice' ? await reader.read(streams.notice(application.notice.noticeId), noticeStream) : noNotice;
    return { ...loaded, notice };
  },
  decide: decideReview,
  write: (decided, command) => {
    const [event] = decided.application;
    const status = event.type === 'ApplicationRejected' ? 'rejected' : event.data.final ? 'reviewed' : 'in_review';
    return {
      writes: onStreams({ stream: streams.application(command.data.applicationId), events: decided.application }, ...onInvoiceStreams(decided.invoices, true)),
      result: { applicationId: command.data.applicationId, status },
    };
  },
});

export const withdrawApplication = useCase({
  type: 'WithdrawApplication',
  roles: ['reviewer'],
  reads: (data) => [need(streams.application(data.applicationId), applicationStream)],
  parse: ({ params, body }) => {
    const input = body === undefined ? {} : read.objectOf(body);
    read.onlyFields(input, ['reason']);
    const reason = input['reason'] === undefined ? 'withdrawn by the applicant' : read.text(input['reason'], 'reason');
    return { applicationId: read.param(params, 'applicationId'), reason };
  },
  load: async (data, reader) => ({ application: requireApplication(await reader.read(streams.application(data.applicationId), applicationStream), data.applicationId) }),
  decide: decideWithdraw,
  write: (decided, command) => ({
    writes: onStreams({ stream: streams.application(command.data.applicationId), events: decided.application }, ...onInvoiceStreams(decided.invoices, true)),
    result: { applicationId: command.data.applicationId, status: 'withdrawn' as const },
  }),
});
