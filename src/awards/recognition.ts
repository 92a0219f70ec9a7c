// Recognition awards (Baoding measures 4 and 5: 一次性奖励 for platforms, 资助 per standard): applied for
// with the recognition, not invoices, once per platform (or standard) of an enterprise; a higher level
// of the same platform is paid the difference (就高不重复). Pure: the matter is read by the caller.
//
// "The same platform" is the application's matter (`matterKey`) of the enterprise: the applicant names
// the platform or the standard there (a laboratory's name, a standard's number), and its matter stream
// holds every live award for it. A recognition document cannot be the identity: a platform raised from
// municipal to provincial is recognized again, by another document and another issuer.
import { refusal } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { yearOfDate, type CalendarDate } from '../shared/time.js';
import { fixedAward } from '../programmes/award-rules.js';
import type { ProgrammeDefinition } from '../programmes/programme.js';
import type { Matter } from './award-streams.js';

type FixedRule = Extract<ProgrammeDefinition['rule'], { kind: 'fixed' }>;

export interface RecognitionClaim {
  readonly programmeId: string;
  readonly uscc: string;
  readonly fiscalYear: number;
  readonly matterKey: string | null;
  readonly level: string | null;
  readonly recognition: { readonly documentRef: string; readonly issuer: string; readonly issuedOn: CalendarDate } | null;
  readonly itemCount: number;
}

/** What this programme's live awards already give the platform: the sum of their entitlements, the amount of the highest level held. */
export function recognitionHeld(programmeId: string, matter: Matter | null): Money {
  if (matter === null) return Money.zero;
  return Money.sum([...matter.values()].filter((funding) => funding.programmeId === programmeId).map((funding) => funding.entitlement));
}

type Claim = { readonly uscc: string; readonly matterKey: string | null; readonly level: string | null };

/**
 * Rule `recognition-top-up` (就高不重复): a platform's higher level is entitled to the difference between
 * its level's amount and what this programme's live awards already gave the platform (0.00 if none is left).
 */
export function recognitionTopUp(programmeId: string, rule: FixedRule, claim: Claim, matter: Matter | null): Money {
  return fixedAward(rule, claim.level).minus(recognitionHeld(programmeId, matter)).max(Money.zero);
}

/**
 * Rule `recognition-once`: an enterprise receives each platform's award once: a level at or below what
 * the platform holds in this programme is refused (RECOGNITION_ALREADY_AWARDED), at submission and again
 * at approval (two applications for one platform may be in review at once).
 */
export function refuseRecognitionHeld(programmeId: string, rule: FixedRule, claim: Claim, matter: Matter | null): void {
  const amount = fixedAward(rule, claim.level);
  const held = recognitionHeld(programmeId, matter);
  if (!held.isZero() && !amount.greaterThan(held)) {
    throw refusal(
      'RECOGNITION_ALREADY_AWARDED',
      `${claim.matterKey} of ${claim.uscc} holds ${held} of ${programmeId} already: the ${claim.level} level (${amount}) is no higher, and each platform is awarded once (就高不重复)`,
      { programmeId, uscc: claim.uscc, matterKey: claim.matterKey, level: claim.level, held: held.format() },
    );
  }
}

/**
 * Rule `recognition-award`: under a fixed (recognition) rule an application carries its recognition and
 * no invoices, names the platform or standard as its matter, and was recognized on a day of the
 * programme's validity (新认定), in the fiscal year applied for, not in the future; a programme on
 * invoices takes no recognition. A level the platform already holds is refused here already.
 */
export function checkRecognitionClaim(programme: ProgrammeDefinition, claim: RecognitionClaim, today: CalendarDate, matter: Matter | null): void {
  const { rule } = programme;
  if (rule.kind !== 'fixed') {
    if (claim.recognition !== null)
      throw refusal('VALIDATION_FAILED', `programme ${programme.id} awards recognized spend on invoices, not a recognition`, { field: 'recognition' });
    return;
  }
  if (claim.recognition === null) {
    throw refusal('VALIDATION_FAILED', `programme ${programme.id} is a one-time award: apply with the recognition {documentRef, issuer, issuedOn}`, { field: 'recognition' });
  }
  if (claim.itemCount > 0) throw refusal('VALIDATION_FAILED', `programme ${programme.id} is applied for with the recognition, not with invoices`, { field: 'items' });
  if (claim.matterKey === null) {
    throw refusal('VALIDATION_FAILED', 'matterKey names the platform (or standard) recognized: each is awarded once per enterprise', { field: 'matterKey' });
  }
  const { issuedOn } = claim.recognition;
  if (issuedOn > today) throw refusal('VALIDATION_FAILED', `recognition.issuedOn ${issuedOn} is in the future`, { field: 'recognition.issuedOn' });
  if (issuedOn < programme.validFrom || (programme.validUntil !== null && issuedOn > programme.validUntil)) {
    throw refusal(
      'VALIDATION_FAILED',
      `recognition.issuedOn ${issuedOn} is outside the programme's validity (${programme.validFrom} to ${programme.validUntil ?? 'open'}): only a new recognition (新认定) is awarded`,
      { field: 'recognition.issuedOn' },
    );
  }
  if (yearOfDate(issuedOn) !== claim.fiscalYear) {
    throw refusal('VALIDATION_FAILED', `recognition.issuedOn ${issuedOn} is not in fiscal year ${claim.fiscalYear}`, { field: 'recognition.issuedOn' });
  }
  refuseRecognitionHeld(programme.id, rule, claim, matter);
}
