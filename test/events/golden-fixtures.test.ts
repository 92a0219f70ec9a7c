// Every stored shape of every event type, as a golden fixture (test/fixtures/events/<Type>.v<N>.json):
// each is read through the upcaster, folded by the deciders' evolve functions and by the read side's
// projection. A change to an event's shape that forgets its old version fails here.
import { decisionReferenceStream, decisionStream } from '../../src/decisions/decision.js';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { applicationStream, invoiceStream } from '../../src/applications/application.js';
import { enterpriseYearStream, matterStream, projectStream } from '../../src/awards/award-streams.js';
import { budgetStream } from '../../src/budgets/budget.js';
import { clawbackIndexStream } from '../../src/clawbacks/decide.js';
import { disbursementIndexStream, paymentReferenceStream } from '../../src/disbursements/indexes.js';
import { enterpriseStream } from '../../src/enterprises/enterprise.js';
import type { EventType, ReadEvent } from '../../src/events/catalog.js';
import { eventTypes, readEventOf, schemaVersionOf } from '../../src/events/upcasting.js';
import type { EventMetadata, JsonObject } from '../../src/event-store/event-store.js';
import { SqliteEventStore } from '../../src/event-store/sqlite/sqlite-event-store.js';
import { noticeStream } from '../../src/notices/notice.js';
import { calendarStream, programmeStream } from '../../src/programmes/state.js';
import { Projector } from '../../src/projections/projector.js';
import { SqliteReadModel } from '../../src/projections/sqlite-read-model.js';
import type { StreamKind } from '../../src/shared/stream-kind.js';

interface Fixture {
  readonly type: EventType;
  readonly schemaVersion: number;
  readonly stream: string;
  readonly data: JsonObject;
  readonly metadata: { actorId: string; actorRole: string; recordedAt: string };
}

const folder = join(import.meta.dirname, '..', 'fixtures', 'events');
const fixtures = new Map<string, Fixture>(readdirSync(folder).map((name) => [name.replace(/\.json$/, ''), JSON.parse(readFileSync(join(folder, name), 'utf8')) as Fixture]));
const current = (type: EventType): Fixture => fixtures.get(`${type}.v${schemaVersionOf(type)}`)!;
const read = (fixture: Fixture, position = 1n): ReadEvent => readEventOf({ ...fixture, position });

/** Folds the current fixtures of these types, in order, with the kind's evolve. */
function fold<S>(kind: StreamKind<S, { type: string }>, types: readonly EventType[], first?: Fixture): S {
  return types.reduce((state, type, i) => {
    const fixture = i === 0 && first !== undefined ? first : current(type);
    return kind.evolve(state, read(fixture) as never);
  }, kind.initial);
}

const applicationPaths: Record<string, readonly EventType[]> = {
  approved: [
    'ApplicationSubmitted',
    'StageReviewed',
    'ApplicationNoticed',
    'AwardApproved',
    'AwardReduced',
    'DisbursementRecorded',
    'DisbursementConfirmed',
    'ClawbackOrdered',
    'FraudReferred',
    'FraudReferralConcluded',
    'RecoveryRecorded',
    'ClawbackWrittenOff',
  ],
  revoked: ['ApplicationSubmitted', 'StageReviewed', 'ApplicationNoticed', 'AwardApproved', 'AwardRevoked'],
  rejected: ['ApplicationSubmitted', 'StageReviewed', 'ApplicationRejected'],
  withdrawn: ['ApplicationSubmitted', 'ApplicationWithdrawn'],
  paymentRejected: ['ApplicationSubmitted', 'StageReviewed', 'ApplicationNoticed', 'AwardApproved', 'DisbursementRecorded', 'DisbursementRejected'],
};

const otherPaths: [StreamKind<unknown, { type: string }>, readonly EventType[]][] = [
  [enterpriseStream as never, ['EnterpriseRegistered', 'FlagRaised', 'FlagLifted', 'TagAdded', 'TagRemoved']],
  [noticeStream as never, ['NoticeOpened', 'ObjectionFiled', 'ObjectionResolved']],
  [invoiceStream as never, ['InvoiceClaimed', 'InvoiceReleased']],
  [matterStream as never, ['MatterFunded', 'MatterReleased']],
  [budgetStream as never, ['BudgetAllocated', 'AwardCommitted', 'AwardReleased', 'HeadroomRestored']],
  [enterpriseYearStream as never, ['AwardGranted', 'AwardCorrected', 'AwardWithdrawn', 'EnterpriseHeadroomRestored']],
  [projectStream as never, ['ProjectFunded', 'ProjectCorrected', 'ProjectReleased']],
  [programmeStream as never, ['ProgrammePublished']],
  [calendarStream as never, ['HolidayYearPublished']],
  [disbursementIndexStream as never, ['DisbursementIndexed']],
  [paymentReferenceStream as never, ['PaymentReferenceUsed']],
  [clawbackIndexStream as never, ['ClawbackIndexed']],
  [decisionStream as never, ['DecisionRecorded']],
  [decisionReferenceStream as never, ['DecisionReferenceUsed']],
];

describe('golden event fixtures', () => {
  it('has a fixture for every version of every event type', () => {
    const missing = eventTypes.flatMap((type) => Array.from({ length: schemaVersionOf(type) }, (_, i) => `${type}.v${i + 1}`).filter((name) => !fixtures.has(name)));
    expect(missing).toEqual([]);
    const unknown = [...fixtures.keys()].filter((name) => !eventTypes.some((type) => name.startsWith(`${type}.v`)));
    expect(unknown).toEqual([]);
  });

  it('reads every fixture in the current shape; an older version upcasts to exactly the current fixture', () => {
    for (const [name, fixture] of fixtures) {
      const event = read(fixture);
      expect({ name, type: event.type }).toEqual({ name, type: fixture.type });
      expect({ name, data: event.data }).toEqual({ name, data: current(fixture.type).data });
    }
  });

  it('refuses a version this code does not know, and a shape that lacks a field', () => {
    const submitted = current('ApplicationSubmitted');
    expect(() => read({ ...submitted, schemaVersion: schemaVersionOf('ApplicationSubmitted') + 1 })).toThrow(/schema version/);
    const { claimedTotal: _dropped, ...withoutTotal } = submitted.data;
    expect(() => read({ ...submitted, data: withoutTotal })).toThrow(/claimedTotal/);
    expect(() => read({ ...submitted, type: 'SomethingElse' as EventType })).toThrow(/unknown event type/);
  });

  it("folds every fixture with its stream's evolve, along each path an application can take", () => {
    const statuses = Object.fromEntries(Object.entries(applicationPaths).map(([path, types]) => [path, fold(applicationStream as never, types) as { status: string }]));
    expect(Object.fromEntries(Object.entries(statuses).map(([path, state]) => [path, state.status]))).toEqual({
      approved: 'approved',
      revoked: 'revoked',
      rejected: 'rejected',
      withdrawn: 'withdrawn',
      paymentRejected: 'approved',
    });
    // An application stored at version 1 folds to the same state as one stored at version 2.
    expect(fold(applicationStream as never, applicationPaths['approved']!, fixtures.get('ApplicationSubmitted.v1'))).toEqual(statuses['approved']);
    for (const [kind, types] of otherPaths) expect(() => fold(kind, types)).not.toThrow();
    const folded = new Set([...Object.values(applicationPaths).flat(), ...otherPaths.flatMap(([, types]) => types)]);
    // Command records and token revocations belong to no stream kind a use case folds.
    expect(eventTypes.filter((type) => type !== 'CommandProcessed' && type !== 'TokensRevoked' && !folded.has(type))).toEqual([]);
  });

  it('projects every fixture into the read side, the version 1 submission among them', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'ledger-golden-'));
    const store = new SqliteEventStore({ path: join(dir, 'ledger.db') });
    try {
      const appendAll = async (order: readonly (EventType | Fixture)[]) => {
        for (const item of order) {
          const fixture = typeof item === 'string' ? current(item) : item;
          const metadata: EventMetadata = { ...fixture.metadata, commandId: `golden-${fixture.type}`, correlationId: `golden-${fixture.type}`, causationId: null };
          await store.append(fixture.stream, [{ id: crypto.randomUUID(), type: fixture.type, schemaVersion: fixture.schemaVersion, data: fixture.data, metadata }], 'any');
        }
      };
      await appendAll(['ProgrammePublished', 'HolidayYearPublished', 'EnterpriseRegistered', 'BudgetAllocated']);
      await appendAll([fixtures.get('ApplicationSubmitted.v1')!, 'InvoiceClaimed', 'StageReviewed', 'NoticeOpened', 'ApplicationNoticed', 'ObjectionFiled', 'ObjectionResolved']);
      await appendAll([
        'AwardApproved',
        'AwardCommitted',
        'AwardGranted',
        'ProjectFunded',
        'MatterFunded',
        'AwardReduced',
        'AwardCorrected',
        'ProjectCorrected',
        'DisbursementRecorded',
        'DisbursementIndexed',
        'PaymentReferenceUsed',
        'DisbursementConfirmed',
      ]);
      await appendAll([
        'ClawbackOrdered',
        'ClawbackIndexed',
        'FraudReferred',
        'FraudReferralConcluded',
        'RecoveryRecorded',
        'HeadroomRestored',
        'EnterpriseHeadroomRestored',
        'ClawbackWrittenOff',
        'CommandProcessed',
        'FlagRaised',
        'FlagLifted',
        'TagAdded',
      ]);
      // Between the tag's addition and its removal the enterprise ranks first in the approval queue.
      const tagged = new Projector(store, new SqliteReadModel(store.database));
      await tagged.rebuild();
      const enterpriseOf = () => store.database.prepare('SELECT tags, priority FROM read_enterprises').get() as { tags: string; priority: number };
      expect(enterpriseOf()).toEqual({ tags: '["specialized-little-giant"]', priority: 1 });
      await appendAll(['TagRemoved']);
      await appendAll([
        'DisbursementRejected',
        'AwardRevoked',
        'AwardReleased',
        'AwardWithdrawn',
        'ProjectReleased',
        'MatterReleased',
        'InvoiceReleased',
        'ApplicationRejected',
        'ApplicationWithdrawn',
      ]);
      const projector = new Projector(store, new SqliteReadModel(store.database));
      expect(await projector.rebuild()).toBe(await store.headPosition());
      const submitted = current('ApplicationSubmitted').data as { applicationId: string; claimedTotal: string };
      const row = store.database.prepare('SELECT status, claimed FROM read_applications WHERE application_id = ?').get(submitted.applicationId) as {
        status: string;
        claimed: string;
      };
      expect(row).toEqual({ status: 'withdrawn', claimed: submitted.claimedTotal });
      expect(enterpriseOf()).toEqual({ tags: '[]', priority: 0 });
    } finally {
      await store.close();
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
