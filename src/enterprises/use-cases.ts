// The enterprise use cases: registration (administrators and reviewers), flags and priority tags
// (administrators).
import { refusal } from '../shared/errors.js';
import { timeOrderedUuid, isValidUscc } from '../shared/identifiers.js';
import { enterpriseTagOf, enterpriseTags, type EnterpriseTag } from '../shared/patterns.js';
import * as read from '../shared/parse.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase } from '../commands/use-case.js';
import { jurisdictions } from '../programmes/programme.js';
import { decideAddTag, decideLiftFlag, decideRaiseFlag, decideRegisterEnterprise, decideRemoveTag } from './decide.js';
import { enterpriseStream, flagLists } from './enterprise.js';

/** A priority tag, by its id or by the seed's Chinese name (Baoding measure 8). */
function tagOf(value: unknown, field: string): EnterpriseTag {
  const tag = typeof value === 'string' ? enterpriseTagOf(value) : null;
  if (tag === null) throw refusal('VALIDATION_FAILED', `${field} must be one of ${enterpriseTags.join(', ')} (or 独角兽, 潜在独角兽, 专精特新"小巨人", 隐形冠军)`, { field });
  return tag;
}

export const registerEnterprise = useCase({
  type: 'RegisterEnterprise',
  roles: ['admin', 'reviewer'],
  parse: ({ body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['uscc', 'name', 'city', 'district', 'tags', 'usccCheckOverride', 'regionOverride']);
    const uscc = read.usccShaped(input['uscc']);
    const name = read.name(input['name'], 'name', 200);
    const city = read.oneOf(input['city'], jurisdictions, 'city');
    const district = read.optionalName(input['district'], 'district', 100);
    const tags = input['tags'] === undefined ? [] : [...new Set(read.list(input['tags'], 'tags', 20, { emptyAllowed: true }).map((t, i) => tagOf(t, `tags[${i}]`)))];
    let overrideReason: string | null = null;
    if (input['usccCheckOverride'] !== undefined) {
      const override = read.objectOf(input['usccCheckOverride'], 'usccCheckOverride');
      read.onlyFields(override, ['reason'], 'usccCheckOverride');
      overrideReason = read.text(override['reason'], 'usccCheckOverride.reason');
    }
    // Rule `uscc-check`: a code failing its GB 32100 check character only with an administrator's recorded reason.
    if (isValidUscc(uscc)) {
      overrideReason = null;
    } else {
      if (overrideReason === null) throw refusal('VALIDATION_FAILED', `uscc ${uscc} fails its GB 32100 check character`, { field: 'uscc' });
      if (!context.actor.roles.includes('admin')) {
        throw refusal('FORBIDDEN', 'only an administrator may register a code that fails its check character', { required: 'admin', actor: context.actor.id });
      }
    }
    // Rule `eligibility-region`: a code registered outside the city only with an administrator's recorded reason.
    let regionOverrideReason: string | null = null;
    if (input['regionOverride'] !== undefined) {
      const override = read.objectOf(input['regionOverride'], 'regionOverride');
      read.onlyFields(override, ['reason'], 'regionOverride');
      regionOverrideReason = read.text(override['reason'], 'regionOverride.reason');
      if (!context.actor.roles.includes('admin')) {
        throw refusal('FORBIDDEN', 'only an administrator may admit a code registered outside the city', { required: 'admin', actor: context.actor.id });
      }
    }
    return { uscc, name, city, district, tags, usccCheckOverrideReason: overrideReason, regionOverrideReason };
  },
  load: async (data, reader) => ({ enterprise: await reader.read(streams.enterprise(data.uscc), enterpriseStream) }),
  decide: decideRegisterEnterprise,
  write: (decided, command) => ({ writes: onStreams({ stream: streams.enterprise(command.data.uscc), events: decided.enterprise }), result: { uscc: command.data.uscc } }),
});

export const raiseFlag = useCase({
  type: 'RaiseFlag',
  roles: ['admin'],
  parse: ({ params, body }, context) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['list', 'source', 'since', 'until', 'evidenceRef', 'checkedAt']);
    const list = read.oneOf(input['list'], flagLists, 'list');
    const source = read.name(input['source'], 'source', 500);
    const since = read.date(input['since'], 'since');
    const until = read.optionalDate(input['until'], 'until');
    const evidenceRef = read.optionalName(input['evidenceRef'], 'evidenceRef', 200);
    const checkedAt = input['checkedAt'] === undefined ? null : read.instant(input['checkedAt'], 'checkedAt');
    if (until !== null && until < since) throw refusal('VALIDATION_FAILED', 'until must not be before since', { field: 'until' });
    return { uscc: read.param(params, 'uscc'), flagId: timeOrderedUuid(context.now, context.commandId, 'flag'), list, source, since, until, evidenceRef, checkedAt };
  },
  load: async (data, reader) => ({ enterprise: await reader.read(streams.enterprise(data.uscc), enterpriseStream) }),
  decide: decideRaiseFlag,
  write: (decided, command) => ({
    writes: onStreams({ stream: streams.enterprise(command.data.uscc), events: decided.enterprise }),
    result: { uscc: command.data.uscc, flagId: command.data.flagId },
  }),
});

export const liftFlag = useCase({
  type: 'LiftFlag',
  roles: ['admin'],
  parse: ({ params, body }) => {
    const input = body === undefined ? {} : read.objectOf(body);
    read.onlyFields(input, ['reason']);
    const reason = input['reason'] === undefined ? 'lifted' : read.text(input['reason'], 'reason');
    return { uscc: read.param(params, 'uscc'), flagId: read.param(params, 'flagId'), reason };
  },
  load: async (data, reader) => ({ enterprise: await reader.read(streams.enterprise(data.uscc), enterpriseStream) }),
  decide: decideLiftFlag,
  write: (decided, command) => ({
    writes: onStreams({ stream: streams.enterprise(command.data.uscc), events: decided.enterprise }),
    result: { uscc: command.data.uscc, flagId: command.data.flagId },
  }),
});

export const addTag = useCase({
  type: 'AddTag',
  roles: ['admin'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['tag', 'evidenceRef']);
    return { uscc: read.param(params, 'uscc'), tag: tagOf(input['tag'], 'tag'), evidenceRef: read.name(input['evidenceRef'], 'evidenceRef', 200) };
  },
  load: async (data, reader) => ({ enterprise: await reader.read(streams.enterprise(data.uscc), enterpriseStream) }),
  decide: decideAddTag,
  write: (decided, command) => ({
    writes: onStreams({ stream: streams.enterprise(command.data.uscc), events: decided.enterprise }),
    result: { uscc: command.data.uscc, tag: command.data.tag },
  }),
});

export const removeTag = useCase({
  type: 'RemoveTag',
  roles: ['admin'],
  parse: ({ params, body }) => {
    const input = body === undefined ? {} : read.objectOf(body);
    read.onlyFields(input, ['evidenceRef', 'reason']);
    return {
      uscc: read.param(params, 'uscc'),
      tag: tagOf(read.param(params, 'tag'), 'tag'),
      evidenceRef: read.optionalName(input['evidenceRef'], 'evidenceRef', 200),
      reason: input['reason'] === undefined ? 'removed' : read.text(input['reason'], 'reason'),
    };
  },
  load: async (data, reader) => ({ enterprise: await reader.read(streams.enterprise(data.uscc), enterpriseStream) }),
  decide: decideRemoveTag,
  write: (decided, command) => ({
    writes: onStreams({ stream: streams.enterprise(command.data.uscc), events: decided.enterprise }),
    result: { uscc: command.data.uscc, tag: command.data.tag },
  }),
});
