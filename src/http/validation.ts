// The global validation of request bodies against their DTOs: unknown fields refused, and every
// failure a VALIDATION_FAILED problem listing each failing field by its path (items[0].amount), with a
// message in English and in Chinese; `field` and `detail` still name the first, for older clients.
import { ValidationPipe, type ArgumentMetadata, type ValidationError } from '@nestjs/common';
import { getMetadataStorage, type MetadataStorage } from 'class-validator';
import { problemOf } from './problem.js';
import { ApiError } from './problem.filter.js';

export interface FieldError {
  readonly field: string;
  readonly message: string;
  readonly messageZh: string;
}

/** The Chinese message of each kind of check (class-validator's constraint names); any other, the generic one. */
const constraintZh: Readonly<Record<string, string>> = {
  whitelistValidation: '不是可接受的字段',
  unknownValue: '不是可接受的值',
  isString: '须为字符串',
  isInt: '须为整数',
  isBoolean: '须为布尔值',
  isArray: '须为数组',
  isIn: '须为允许的取值之一',
  min: '小于允许的最小值',
  max: '大于允许的最大值',
  length: '长度不符合要求',
  arrayMinSize: '条目过少',
  arrayMaxSize: '条目过多',
  matches: '格式不正确',
  nestedValidation: '须为对象',
  isInstant: '须为带时区的 ISO 8601 时间,例如 2025-07-01T00:00:00+08:00',
  isName: '不得为空白,不得含控制字符、双向控制符或零宽字符',
  isAsOf: '须为日志位置、日期或带时区的 ISO 8601 时间',
};

export function messageZhOf(field: string, constraint: string | undefined): string {
  return `${field} ${(constraint === undefined ? undefined : constraintZh[constraint]) ?? '不符合要求'}`;
}

function failures(errors: readonly ValidationError[], path = ''): FieldError[] {
  return errors.flatMap((error) => {
    const field = /^[0-9]+$/.test(error.property) ? `${path}[${error.property}]` : path === '' ? error.property : `${path}.${error.property}`;
    const own = Object.entries(error.constraints ?? {}).map(([constraint, message]) => ({ field, message, messageZh: messageZhOf(field, constraint) }));
    return [...own, ...failures(error.children ?? [], field)];
  });
}

/** Distinct inputs remembered per DTO class. */
const rememberedPerClassMax = 256;

/**
 * The validation pipe, with one shortcut: an input seen before and found valid, with no fields at all
 * (most reads) or as a query string (`?year=2025`, asked again and again by dashboards), is answered by
 * what validating it gave then, defaults included, instead of being validated again. The answer
 * cannot differ: the same input meets the same class. Bodies with fields are validated every time
 * (they rarely repeat), and so is any input that was refused.
 */
class LedgerValidationPipe extends ValidationPipe {
  private readonly remembered = new WeakMap<object, Map<string, RememberedAnswer>>();

  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    const metatype = metadata.metatype;
    // A route's string parameter (or any input without a class to meet) passes as it is, as the
    // pipe itself would pass it, without its round of promises.
    if (!this.toValidate(metadata)) return value;
    const key = metatype === undefined ? undefined : keyOf(value, metadata);
    if (metatype === undefined || key === undefined) return super.transform(value, metadata);
    let known = this.remembered.get(metatype);
    const answer = known?.get(key);
    if (answer !== undefined) return answer.copy();
    const validated: unknown = await super.transform(value, metadata);
    known ??= new Map();
    this.remembered.set(metatype, known);
    if (known.size >= rememberedPerClassMax) known.delete(known.keys().next().value as string);
    known.set(key, rememberedAnswer(validated));
    return validated;
  }
}

/** A validated input kept for the next time, handed out as a copy of its own to each request. */
interface RememberedAnswer {
  copy(): unknown;
}

function rememberedAnswer(validated: unknown): RememberedAnswer {
  const kept = structuredClone(validated);
  // A query's answer is one level of strings (and defaults): copied field by field, as structuredClone would copy it.
  const flat =
    typeof kept === 'object' && kept !== null && Object.getPrototypeOf(kept) === Object.prototype && Object.values(kept).every((v) => v === null || typeof v !== 'object');
  return { copy: flat ? () => ({ ...(kept as object) }) : () => structuredClone(kept) };
}

/**
 * What an input is remembered by, if it may be: an empty plain object, or a query's flat strings.
 * A query is Fastify's parse of the query string, an object whose prototype is an empty one of its
 * own (not Object.prototype): what validation reads of it is its own fields alone, which the key holds.
 */
function keyOf(value: unknown, metadata: ArgumentMetadata): string | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  if (metadata.type === 'query') {
    const entries = Object.entries(value);
    if (entries.length === 0) return '{}';
    return entries.every(([, v]) => typeof v === 'string') ? JSON.stringify(entries) : undefined;
  }
  const prototype: unknown = Object.getPrototypeOf(value);
  if (prototype !== Object.prototype && prototype !== null) return undefined;
  return Object.keys(value).length === 0 ? '{}' : undefined;
}

type ValidationMetadata = ReturnType<MetadataStorage['getTargetValidationMetadatas']>[number];
type RuleTarget = Parameters<MetadataStorage['getTargetValidationMetadatas']>[0];
let rulesKept = false;

/**
 * class-validator finds a class's rules anew on every validation: it walks every class that has any
 * (a few dozen DTOs) for those the class inherits from, filters and merges them, then groups them by
 * property: a third of the pipe's time on an approval's one-field body. The rules are fixed once the
 * classes are declared, so each class's lookup is kept, and all are forgotten whenever a rule is
 * added. The validation only reads the lists it is given (it filters them into lists of its own).
 */
export function keepRulesPerClass(): void {
  if (rulesKept) return;
  rulesKept = true;
  const storage = getMetadataStorage();
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const group = storage.groupByPropertyName.bind(storage);
  const addRule = storage.addValidationMetadata.bind(storage);
  let rulesOf = new Map<RuleTarget, ValidationMetadata[]>();
  let groupedOf = new WeakMap<ValidationMetadata[], Record<string, ValidationMetadata[]>>();
  storage.addValidationMetadata = (metadata: ValidationMetadata) => {
    rulesOf = new Map();
    groupedOf = new WeakMap();
    addRule(metadata);
  };
  // Kept only for the validation the pipe asks for: no schema, no groups, default `always`.
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    if ((schema as string | undefined) !== undefined || always || strictGroups || (groups !== undefined && groups.length > 0))
      return lookup(target, schema, always, strictGroups, groups);
    let rules = rulesOf.get(target);
    if (rules === undefined) {
      rules = lookup(target, schema, always, strictGroups, groups);
      rulesOf.set(target, rules);
    }
    return rules;
  };
  storage.groupByPropertyName = (metadata) => {
    let grouped = groupedOf.get(metadata);
    if (grouped === undefined) {
      grouped = group(metadata);
      groupedOf.set(metadata, grouped);
    }
    return grouped;
  };
}

export function validationPipe(): ValidationPipe {
  keepRulesPerClass();
  return new LedgerValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    forbidUnknownValues: true,
    exceptionFactory: (errors) => {
      const all = failures(errors);
      const first = all[0] ?? { field: 'body', message: 'body is not valid', messageZh: messageZhOf('body', undefined) };
      const listed = all.length === 0 ? [first] : all;
      return new ApiError(problemOf('VALIDATION_FAILED', listed.map((f) => f.message).join('; '), { field: first.field, errors: listed }));
    },
  });
}
