// The rules of programmes as versioned data (SPEC §2): publishing a programme and a new version of it
// with the day it takes effect, the schema a definition is checked against, and the version in force
// on the day of a decision, as given / when / then over the programme deciders.
import { decidePublishProgramme, decidePublishProgrammeVersion, type PublishProgrammeVersion } from '../../src/programmes/decide.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import type { ProgrammeEvent } from '../../src/programmes/events.js';
import { parseProgrammeDefinition, programmeDefinitionJsonSchema } from '../../src/programmes/schema.js';
import { programmeStream, versionInForce, type PublishedProgramme } from '../../src/programmes/state.js';
import { LedgerError } from '../../src/shared/errors.js';
import { deciderSpec, folded, on } from '../support/decider-spec.js';

const voucher = builtInProgrammes.find((p) => p.id === 'baoding-data-voucher')!;
const { version: _version, ...voucherBody } = voucher;
const published = (version: number, effectiveOn: string, changes: Partial<typeof voucher> = {}): ProgrammeEvent => ({
  type: 'ProgrammePublished',
  data: { definition: { ...voucher, ...changes, version }, effectiveOn },
});
const programmeOf = (...events: ProgrammeEvent[]) => folded(programmeStream, events) as PublishedProgramme;

function amend(effectiveOn: string, today: string, versionStated: number | null = null, changes: Partial<typeof voucher> = {}): PublishProgrammeVersion {
  return {
    type: 'PublishProgrammeVersion',
    data: { programmeId: voucher.id, effectiveOn, definition: { ...voucherBody, ...changes }, versionStated },
    metadata: on(today, 'admin-1'),
  };
}

const amending = deciderSpec(decidePublishProgrammeVersion);

/** The VALIDATION_FAILED field of a definition the schema refuses, or 'accepted'. */
function refusedField(definition: unknown, route: { id?: string } = {}): string {
  try {
    parseProgrammeDefinition(definition, route);
    return 'accepted';
  } catch (error) {
    if (!(error instanceof LedgerError)) throw error;
    return `${error.code} ${String(error.details['field'])}`;
  }
}

describe('programmes as versioned data', () => {
  it('programme-versions: an amendment is the next version, in force from the day it states', () => {
    amending
      .given({ programme: programmeOf(published(1, '2025-02-17')) })
      .when(amend('2026-07-01', '2026-06-15', null, { rule: { ...voucher.rule, rate: '0.25' } as typeof voucher.rule }))
      .then({
        programme: [
          {
            type: 'ProgrammePublished',
            data: { definition: { ...voucher, rule: { ...voucher.rule, rate: '0.25' } as typeof voucher.rule, version: 2 }, effectiveOn: '2026-07-01' },
          },
        ],
      });
  });

  it('programme-versions: a stated version other than the next is refused (INVALID_TRANSITION); a programme that does not exist is NOT_FOUND', () => {
    amending
      .given({ programme: programmeOf(published(1, '2025-02-17')) })
      .when(amend('2026-07-01', '2026-06-15', 3))
      .thenRefused('INVALID_TRANSITION', { programmeId: voucher.id });
    amending
      .given({ programme: { status: 'none' } })
      .when(amend('2026-07-01', '2026-06-15'))
      .thenRefused('NOT_FOUND', { id: voucher.id });
  });

  it('programme-version-in-force: a version cannot take effect before today, nor before a version published earlier (RETROACTIVE_VERSION)', () => {
    amending
      .given({ programme: programmeOf(published(1, '2025-02-17')) })
      .when(amend('2026-06-14', '2026-06-15'))
      .thenRefused('RETROACTIVE_VERSION', { programmeId: voucher.id, effectiveOn: '2026-06-14', earliest: '2026-06-15' });
    amending
      .given({ programme: programmeOf(published(1, '2025-02-17'), published(2, '2026-09-01')) })
      .when(amend('2026-08-01', '2026-06-15'))
      .thenRefused('RETROACTIVE_VERSION', { effectiveOn: '2026-08-01', earliest: '2026-09-01' });
    expect(decidePublishProgrammeVersion(amend('2026-06-15', '2026-06-15'), { programme: programmeOf(published(1, '2025-02-17')) }).programme[0]?.data.effectiveOn).toBe(
      '2026-06-15',
    );
  });

  it('programme-versions: an administrator publishes a new programme id once, at version 1, in force from its first day of validity (ALREADY_EXISTS after)', () => {
    const pilot = { ...voucher, id: 'baoding-pilot', version: 1 };
    const publish = { type: 'PublishProgramme' as const, data: { definition: pilot, shipped: false }, metadata: on('2026-06-15', 'admin-1') };
    deciderSpec(decidePublishProgramme)
      .given({ programme: { status: 'none' } })
      .when(publish)
      .then({ programme: [{ type: 'ProgrammePublished', data: { definition: pilot, effectiveOn: pilot.validFrom } }] });
    deciderSpec(decidePublishProgramme)
      .given({ programme: programmeOf(published(1, '2025-02-17', { id: 'baoding-pilot' })) })
      .when(publish)
      .thenRefused('ALREADY_EXISTS', { programmeId: 'baoding-pilot' });
    deciderSpec(decidePublishProgramme)
      .given({ programme: { status: 'none' } })
      .when({ ...publish, data: { definition: { ...pilot, version: 2 }, shipped: false } })
      .thenRefused('VALIDATION_FAILED', { field: 'definition.version' });
  });

  it('programme-version-in-force: a decision uses the version with the latest day of effect on or before its day', () => {
    const programme = programmeOf(published(1, '2025-02-17'), published(2, '2026-07-01', { rule: { ...voucher.rule, rate: '0.25' } as typeof voucher.rule }));
    expect(versionInForce(programme, '2026-06-30').version).toBe(1);
    expect(versionInForce(programme, '2026-07-01').version).toBe(2);
    expect(versionInForce(programme, '2027-01-01').version).toBe(2);
    // Before the first version takes effect: the first version (its validity window refuses what it does not cover).
    expect(versionInForce(programme, '2024-12-31').version).toBe(1);
    // Two taking effect the same day: the later published.
    expect(versionInForce(programmeOf(published(1, '2025-02-17'), published(2, '2026-07-01'), published(3, '2026-07-01')), '2026-07-01').version).toBe(3);
  });

  it('programme-schema: every shipped definition passes the schema, and the JSON Schema for editors is an object schema', () => {
    for (const { version: _v, ...definition } of builtInProgrammes) expect(refusedField(definition)).toBe('accepted');
    expect(programmeDefinitionJsonSchema()).toMatchObject({ type: 'object', required: expect.arrayContaining(['rule', 'stages', 'budget']) });
  });

  it('programme-schema: a definition out of shape is VALIDATION_FAILED naming the field', () => {
    expect(refusedField({ ...voucherBody, rule: { ...voucher.rule, rate: 0.3 } })).toBe('VALIDATION_FAILED definition.rule.rate');
    expect(refusedField({ ...voucherBody, rule: { ...voucher.rule, rate: '1.5' } })).toBe('VALIDATION_FAILED definition.rule.rate');
    expect(refusedField({ ...voucherBody, rule: { ...voucher.rule, thresholdYuan: '300000.001' } })).toBe('VALIDATION_FAILED definition.rule.thresholdYuan');
    expect(refusedField({ ...voucherBody, validUntil: '2025-01-01' })).toBe('VALIDATION_FAILED definition.validUntil');
    expect(refusedField({ ...voucherBody, stages: ['a', 'a'] })).toBe('VALIDATION_FAILED definition.stages');
    expect(refusedField({ ...voucherBody, noticeStages: [{ afterStage: 'nowhere', listsAmounts: true }] })).toBe('VALIDATION_FAILED definition.noticeStages[0].afterStage');
    expect(refusedField({ ...voucherBody, surprise: true })).toBe('VALIDATION_FAILED definition');
    expect(refusedField({ ...voucherBody, budget: { kind: 'fixed-annual', amountYuan: '0.00' } })).toBe('VALIDATION_FAILED definition.budget.amountYuan');
    expect(refusedField({ ...voucherBody, id: 'other' }, { id: voucher.id })).toBe('VALIDATION_FAILED definition.id');
    expect(refusedField({ ...voucherBody, id: undefined })).toBe('VALIDATION_FAILED definition.id');
  });

  it('programme-schema: notice stages after one of the stages are kept', () => {
    const noticeStages = [{ afterStage: 'expert-review', listsAmounts: true }];
    expect(parseProgrammeDefinition({ ...voucherBody, noticeStages }, {}).definition).toMatchObject({ noticeStages });
  });
});
