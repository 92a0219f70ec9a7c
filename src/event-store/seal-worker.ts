// A thread verify checks the events' seals on (hashes and commit MACs), beside the chain checks on the
// thread that keeps the log's order: see `SealChecker` in hash-chain.ts. Each message is a page: its
// records sent, answered with their seals; or the positions it spans in a SQLite file the worker reads
// itself, answered with the seals and the links of the records read (`linkFieldsOf`).
import { parentPort, workerData } from 'node:worker_threads';
import { defined } from '../shared/assert.js';
import {
  SealChecker,
  linkFieldsOf,
  macContextOf,
  recordsOfSealFields,
  type ChainRecord,
  type MacContext,
  type SealWorkerData,
  type SealWorkerReply,
  type SealWorkerRequest,
} from './hash-chain.js';
import { ChainRowReader } from './sqlite/event-rows.js';

const port = defined(parentPort, 'parentPort');
const data = workerData as SealWorkerData;
const checker = new SealChecker(data.macKey);
const reader = data.sqlitePath === undefined ? undefined : new ChainRowReader(data.sqlitePath);
const dataOfTypes = data.dataOfTypes === undefined || data.dataOfTypes === null ? null : new Set(data.dataOfTypes);

/** The page the reading thread found after position `after` through `through`, and the event before it. */
function readPage(after: bigint, through: bigint, count: number): { page: ChainRecord[]; before: MacContext | undefined } | string {
  const rows = defined(reader, 'a file to read').records(after, through);
  const first = rows[0];
  // The event at `after` is read for the MAC check of the page's first event, not checked itself.
  const before = after > 0n && first?.position === after ? macContextOf(first) : undefined;
  const page = first?.position === after ? rows.slice(1) : rows;
  if ((after > 0n && before === undefined) || page.length !== count) {
    return `positions ${after + 1n}..${through} hold ${page.length} events now, ${count} when read`;
  }
  return { page, before };
}

function sealsOf(request: SealWorkerRequest): SealWorkerReply {
  if ('fields' in request) return checker.checkPage(recordsOfSealFields(request.fields), request.before);
  const read = readPage(request.after, request.through, request.count);
  return typeof read === 'string' ? { failure: read } : { seals: checker.checkPage(read.page, read.before), links: linkFieldsOf(read.page, dataOfTypes) };
}

port.on('message', (request: SealWorkerRequest) => {
  const reply = sealsOf(request);
  // The seals' buffer is handed over, not copied.
  if (reply instanceof Uint8Array) port.postMessage(reply, [reply.buffer]);
  else if ('seals' in reply) port.postMessage(reply, [reply.seals.buffer, reply.links.positions.buffer, reply.links.revisions.buffer]);
  else port.postMessage(reply);
});

process.on('exit', () => reader?.close());
