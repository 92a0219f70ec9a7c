// The schema of a programme definition as an administrator publishes it (SPEC §2: programmes are data):
// one zod schema checks the API's body and the CLI's JSON or YAML file alike, and gives the JSON Schema
// the documentation shows. A definition that fails is a VALIDATION_FAILED naming the field.
import { z } from 'zod';
import { invalidField } from '../shared/errors.js';
import { Money } from '../shared/money.js';
import { datePattern, jurisdictions, keyPattern, moneyPattern } from '../shared/patterns.js';
import { isCalendarDate } from '../shared/time.js';
import type { ProgrammeDefinition } from './programme.js';

/** Bounds on a definition: review stages, item categories, levels of a fixed award. */
export const stageCountMax = 10;
export const categoryCountMax = 50;
export const levelCountMax = 50;

const key = z.string().regex(keyPattern, 'may hold only letters, digits and . _ : / - (at most 128)');
const day = z
  .string()
  .regex(datePattern, 'must be a date YYYY-MM-DD')
  .refine((value) => isCalendarDate(value), 'must be a day of the calendar');
const yuan = z
  .string()
  .regex(moneyPattern, 'must be a decimal string of yuan with at most two decimals, such as "300000.00"')
  // zod runs every check of a field: the range is checked only on a string of the right form.
  .refine(
    (value) => !isOfForm(moneyPattern, value) || (!Money.of(value).isZero() && !Money.of(value).greaterThan(Money.of('100000000000.00'))),
    'must be above 0.00 and at most 100000000000.00',
  );
/** A rate as a decimal string above 0 and at most 1 ("0.3"): a subsidy never pays more than the spend. */
const ratePattern = /^(0\.[0-9]{1,6}|1(\.0{1,6})?)$/;
/** A value of the right form (zod may run a refinement over fields whose own checks failed). */
const isOfForm = (pattern: RegExp, value: unknown): value is string => typeof value === 'string' && pattern.test(value);
const rate = z
  .string()
  .regex(ratePattern, 'must be a decimal string above 0 and at most 1, such as "0.3"')
  .refine((value) => !/^0\.0+$/.test(value), 'must be above 0');

const rule = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('cumulative-annual'), rate, thresholdYuan: yuan, capPerEnterpriseYearYuan: yuan }),
  z.strictObject({ kind: z.literal('proportional'), rate, capPerProjectYuan: yuan, approvalRefRequired: z.boolean() }),
  z.strictObject({
    kind: z.literal('fixed'),
    amountByLevelYuan: z.record(key, yuan).refine((levels) => Object.keys(levels).length > 0 && Object.keys(levels).length <= levelCountMax, `names 1 to ${levelCountMax} levels`),
  }),
]);

const budget = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('fixed-annual'), amountYuan: yuan }), z.strictObject({ kind: z.literal('allocated') })]);

const noticeStage = z.strictObject({ afterStage: key, listsAmounts: z.boolean() });

/**
 * Rule `programme-schema`: what a published definition must be. `id` and `version` may be left to the
 * route (a new programme is version 1, an amendment the next).
 */
export const programmeDefinitionSchema = z
  .strictObject({
    id: key.optional(),
    version: z.number().int().min(1).max(1_000_000).optional(),
    name: z.strictObject({ zh: z.string().min(1).max(200), en: z.string().min(1).max(200) }),
    jurisdiction: z.enum(jurisdictions),
    validFrom: day,
    validUntil: day.nullable(),
    lastApplicationDay: day.nullable(),
    rule,
    categories: z.array(key).min(1).max(categoryCountMax).nullable(),
    stages: z.array(key).min(1).max(stageCountMax),
    /**
     * After which review stages a public notice runs, and whether it lists the proposed amounts; in the
     * order of the stages, the last after the last stage. Absent: one notice, after the last stage,
     * listing the proposed amounts.
     */
    noticeStages: z.array(noticeStage).min(1).max(stageCountMax).optional(),
    noticeWorkingDays: z.number().int().min(1).max(60),
    caseByCaseAllowed: z.boolean(),
    budget,
    duplicateMatterPolicy: z.enum(['top-up', 'refuse']),
    recoveryRestoresHeadroom: z.boolean(),
    source: z.string().min(1).max(500),
  })
  .superRefine((d, context) => {
    const issue = (path: (string | number)[], message: string) => context.addIssue({ code: 'custom', path, message });
    if (d.validUntil !== null && d.validUntil < d.validFrom) issue(['validUntil'], `must be on or after validFrom (${d.validFrom})`);
    if (d.lastApplicationDay !== null && d.lastApplicationDay < d.validFrom) issue(['lastApplicationDay'], `must be on or after validFrom (${d.validFrom})`);
    if (new Set(d.stages).size !== d.stages.length) issue(['stages'], 'names each stage once');
    if (d.categories !== null && new Set(d.categories).size !== d.categories.length) issue(['categories'], 'names each category once');
    let previous = -1;
    d.noticeStages?.forEach((stage, i) => {
      const at = d.stages.indexOf(stage.afterStage);
      if (at < 0) issue(['noticeStages', i, 'afterStage'], `must be one of the stages: ${d.stages.join(', ')}`);
      else if (at <= previous) issue(['noticeStages', i, 'afterStage'], 'must follow the stage of the notice before it');
      previous = Math.max(previous, at);
    });
    const lastStage = d.stages[d.stages.length - 1];
    const lastNotice = d.noticeStages?.[d.noticeStages.length - 1];
    // The approval follows the last notice: one is held after the last review (rule `notice-stages`).
    if (lastNotice !== undefined && lastNotice.afterStage !== lastStage) issue(['noticeStages'], `must end with a notice after the last stage (${lastStage ?? ''})`);
    if (
      d.rule.kind === 'cumulative-annual' &&
      isOfForm(ratePattern, d.rule.rate) &&
      isOfForm(moneyPattern, d.rule.thresholdYuan) &&
      isOfForm(moneyPattern, d.rule.capPerEnterpriseYearYuan) &&
      Money.of(d.rule.thresholdYuan).timesRate(d.rule.rate).greaterThan(Money.of(d.rule.capPerEnterpriseYearYuan))
    ) {
      // Not an error of form, but a rule that can never pay what it says: at the threshold it would already exceed its cap.
      issue(['rule', 'capPerEnterpriseYearYuan'], 'is below what the rate gives at the threshold');
    }
  });

export type ProgrammeDefinitionInput = z.infer<typeof programmeDefinitionSchema>;

/** The JSON Schema of a definition, for the documentation and for editors of definition files. */
export function programmeDefinitionJsonSchema(): Record<string, unknown> {
  return z.toJSONSchema(programmeDefinitionSchema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
}

/** A definition as checked, without its version: a publication settles that. */
export type DefinitionBody = Omit<ProgrammeDefinition, 'version'>;

/**
 * A definition checked against the schema, with its id settled (from the route where it names one;
 * the definition, if it says, must agree) and the version it states, if any: the publication decides
 * the version (a new programme is version 1, an amendment the next).
 */
export function parseProgrammeDefinition(value: unknown, route: { id?: string }, field = 'definition'): { definition: DefinitionBody; versionStated: number | null } {
  const parsed = programmeDefinitionSchema.safeParse(value);
  if (!parsed.success) {
    const [first] = parsed.error.issues;
    const path = first === undefined ? '' : first.path.map((p) => (typeof p === 'number' ? `[${p}]` : `.${String(p)}`)).join('');
    throw invalidField(`${field}${path}`, `${field}${path}: ${first?.message ?? 'is not a programme definition'}`);
  }
  const { id, version, noticeStages, ...rest } = parsed.data;
  const settledId = route.id ?? id;
  if (settledId === undefined) throw invalidField(`${field}.id`, `${field}.id: a new programme names its id`);
  if (id !== undefined && id !== settledId) throw invalidField(`${field}.id`, `${field}.id ${id} is not the programme ${settledId}`);
  const lastStage = rest.stages[rest.stages.length - 1] ?? '';
  return { definition: { id: settledId, ...rest, noticeStages: noticeStages ?? [{ afterStage: lastStage, listsAmounts: true }] }, versionStated: version ?? null };
}
