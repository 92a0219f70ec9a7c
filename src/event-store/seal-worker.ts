// A thread verify checks the events' seals on (hashes and commit MACs), beside the chain checks on the
// thread that keeps the log's order: see `SealChecker` in hash-chain.ts. Each message is a page: its
// records sent, answered with their seals; or the positions it spans in a SQLite file the worker reads
// itself, answered with the seals and the links of the records read (`linkFieldsOf`), and where the
// log goes on after the span.
import { parentPort, workerData } from 'node:worker_threads';
import { defined } from '../shared/assert.js';
import { SealChecker, linkFieldsOf, macContextOf, recordsOfSealFields, type SealWorkerData, type SealWorkerReply, type SealWorkerRequest } from './hash-chain.js';
import { ChainRowReader } from './sqlite/event-rows.js';

const port = defined(parentPort, 'parentPort');
const data = workerData as SealWorkerData;
const checker = new SealChecker(data.macKey);
const reader = data.sqlitePath === undefined ? undefined : new ChainRowReader(data.sqlitePath);
const dataOfTypes = data.dataOfTypes === undefined || data.dataOfTypes === null ? null : new Set(data.dataOfTypes);

function sealsOf(request: SealWorkerRequest): SealWorkerReply {
  if ('fields' in request) return checker.checkPage(recordsOfSealFields(request.fields), request.before);
  const span = defined(reader, 'a file to read').read(request.after, request.through);
  const before = span.before === undefined ? undefined : macContextOf(span.before);
  return { seals: checker.checkPage(span.records, before), links: linkFieldsOf(span.records, dataOfTypes), next: span.next };
}

port.on('message', (request: SealWorkerRequest) => {
  const reply = sealsOf(request);
  // The seals' buffer is handed over, not copied.
  if (reply instanceof Uint8Array) port.postMessage(reply, [reply.buffer]);
  else port.postMessage(reply, [reply.seals.buffer, reply.links.positions.buffer, reply.links.revisions.buffer]);
});

process.on('exit', () => reader?.close());
