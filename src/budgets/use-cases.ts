// The budget use case: an administrator allocates a programme's budget for a year.
import * as read from '../shared/parse.js';
import { streams } from '../shared/streams.js';
import { onStreams, useCase } from '../commands/use-case.js';
import { programmeStream, requireProgramme, versionInForce } from '../programmes/state.js';
import { budgetStream } from './budget.js';
import { decideAllocateBudget } from './decide.js';

export const allocateBudget = useCase({
  type: 'AllocateBudget',
  roles: ['admin'],
  parse: ({ params, body }) => {
    const input = read.objectOf(body);
    read.onlyFields(input, ['year', 'amount']);
    const year = read.integer(input['year'], 'year', 2000, 2100);
    const amount = read.money(input['amount'], 'amount');
    return { programmeId: read.param(params, 'programmeId'), year, amount };
  },
  load: async (data, reader, metadata) => {
    const programme = requireProgramme(await reader.read(streams.programme(data.programmeId), programmeStream), data.programmeId);
    return { programme: versionInForce(programme, metadata.today), budget: await reader.read(streams.budget(data.programmeId, data.year), budgetStream) };
  },
  decide: decideAllocateBudget,
  write: (decided, command) => {
    const { programmeId, year } = command.data;
    return { writes: onStreams({ stream: streams.budget(programmeId, year), events: decided.budget }), result: { programmeId, year, budget: decided.budget[0].data.budgetAfter } };
  },
});
