// Two invariants touched by programmes as versioned data and by recognition awards, over any inputs:
// - a platform's awards in its programme never exceed the amount of the highest level it was approved
//   at, whatever the order of its applications and of reductions (一次性奖励, 就高不重复);
// - the version in force on a day is the one with the latest day of effect on or before it.
import fc from 'fast-check';
import type { Application } from '../../src/applications/application.js';
import { evolveMatter, type Matter } from '../../src/awards/award-streams.js';
import { decideApprove, type ApproveAward, type ApproveGiven } from '../../src/awards/decide.js';
import type { MatterEvent } from '../../src/awards/events.js';
import { builtInProgrammes } from '../../src/programmes/definitions.js';
import type { ProgrammeEvent } from '../../src/programmes/events.js';
import { programmeStream, versionInForce, type PublishedProgramme } from '../../src/programmes/state.js';
import { addDays } from '../../src/shared/time.js';
import { DomainError } from '../../src/shared/errors.js';
import { Money } from '../../src/shared/money.js';
import { folded } from '../support/decider-spec.js';
import { aDecision, aNoticeRef, aRegisteredEnterprise, aSubmission, anOpenedNotice, noPool } from '../support/states.js';

const platform = builtInProgrammes.find((p) => p.id === 'baoding-innovation-platform')!;
const levels = ['municipal', 'provincial', 'national'] as const;
const amountOf = (level: string): Money => Money.of(platform.rule.kind === 'fixed' ? platform.rule.amountByLevelYuan[level]! : '0.00');

function approval(applicationId: string, level: string, matter: Matter, amount: Money | null): { given: ApproveGiven; command: ApproveAward } {
  const application: Extract<Application, { status: 'in_notice' }> = {
    status: 'in_notice',
    submission: {
      ...aSubmission({ claimed: '0.00', programmeId: platform.id, matterKey: 'KL-1', level }),
      applicationId,
      recognition: { documentRef: `doc-${applicationId}`, issuer: '河北省科学技术厅', issuedOn: '2025-05-20' },
    },
    review: { recognized: null, stagesPassed: platform.stages, lastReviewer: 'reviewer-1' },
    notices: [aNoticeRef()],
    notice: aNoticeRef(),
  };
  return {
    given: {
      application,
      programme: platform,
      programmeCurrent: platform,
      enterprise: aRegisteredEnterprise('baoding'),
      notice: anOpenedNotice({ programmeId: platform.id, applicationIds: [applicationId] }),
      decision: aDecision({ [applicationId]: '100000000.00' }),
      budget: { status: 'open', allocated: Money.of('100000000.00'), committed: Money.zero },
      enterpriseYear: noPool,
      project: null,
      matter,
    },
    command: {
      type: 'ApproveAward',
      data: { applicationId, decisionRef: '党组会议', amount, caseByCaseJustification: null },
      metadata: { actorId: 'approver-1', now: '2025-06-11T02:00:00.000Z', today: '2025-06-11' },
    },
  };
}

describe('recognition awards and programme versions (properties)', () => {
  it('recognition-top-up: however a platform applies and is reduced, its awards reach at most its highest approved level, and a level at or below it is refused', () => {
    fc.assert(
      fc.property(
        fc.array(fc.record({ level: fc.constantFrom(...levels), reduceByFen: fc.option(fc.bigInt({ min: 0n, max: 10_000_000n }), { nil: null }) }), { maxLength: 8 }),
        (applications) => {
          let matter: Matter = new Map();
          let highest = Money.zero;
          let awarded = Money.zero;
          applications.forEach(({ level, reduceByFen }, i) => {
            const id = `a-${i}`;
            if (!amountOf(level).greaterThan(highest)) {
              const { given, command } = approval(id, level, matter, null);
              expect(() => decideApprove(command, given)).toThrow(DomainError);
              return;
            }
            const entitlement = amountOf(level).minus(highest);
            const reduced = reduceByFen === null ? null : Money.of(`${reduceByFen / 100n}.${String(reduceByFen % 100n).padStart(2, '0')}`);
            const amount = reduced !== null && reduced.lessThan(entitlement) ? reduced : null;
            const { given, command } = approval(id, level, matter, amount);
            const approved = decideApprove(command, given);
            const funded = approved.matter![0];
            expect(funded.data.entitlement).toBe(entitlement.format());
            matter = evolveMatter(matter, { ...(funded as MatterEvent), actorId: 'approver-1', recordedAt: '2025-06-11T02:00:00.000Z' });
            highest = amountOf(level);
            awarded = awarded.plus(Money.of(approved.application[0].data.award));
          });
          expect(awarded.greaterThan(highest)).toBe(false);
        },
      ),
      { numRuns: 300 },
    );
  });

  it('recognition-once: an approval at a level no higher than the platform holds is always refused, and nothing is written', () => {
    fc.assert(
      fc.property(fc.constantFrom(...levels), fc.constantFrom(...levels), (held, applied) => {
        fc.pre(!amountOf(applied).greaterThan(amountOf(held)));
        const matter = evolveMatter(new Map(), {
          type: 'MatterFunded',
          data: { uscc: 'U', matterKey: 'KL-1', applicationId: 'a-0', programmeId: platform.id, entitlement: amountOf(held).format(), award: amountOf(held).format() },
          actorId: 'approver-1',
          recordedAt: '2025-06-11T02:00:00.000Z',
        });
        const { given, command } = approval('a-1', applied, matter, null);
        expect(() => decideApprove(command, given)).toThrow(DomainError);
        try {
          decideApprove(command, given);
        } catch (error) {
          expect((error as DomainError).code).toBe('RECOGNITION_ALREADY_AWARDED');
        }
      }),
    );
  });

  it('programme-version-in-force: the version a day uses is the latest to take effect on or before it', () => {
    fc.assert(
      fc.property(fc.array(fc.integer({ min: 0, max: 2000 }), { minLength: 1, maxLength: 6 }), fc.integer({ min: -100, max: 2200 }), (gaps, dayOffset) => {
        // Versions 1..n take effect on non-decreasing days, as publishing allows.
        let day = '2025-02-17';
        const events: ProgrammeEvent[] = gaps.map((gap, i) => {
          day = i === 0 ? day : addDays(day, gap % 400);
          return { type: 'ProgrammePublished', data: { definition: { ...platform, version: i + 1 }, effectiveOn: day } };
        });
        const programme = folded(programmeStream, events) as PublishedProgramme;
        const today = addDays('2025-02-17', dayOffset);
        const chosen = versionInForce(programme, today);
        const inForce = events.filter((e) => e.data.effectiveOn <= today);
        if (inForce.length === 0) {
          expect(chosen.version).toBe(1);
          return;
        }
        expect(programme.effectiveOn.get(chosen.version)! <= today).toBe(true);
        expect(chosen.version).toBe(Math.max(...inForce.map((e) => e.data.definition.version)));
      }),
      { numRuns: 300 },
    );
  });
});
