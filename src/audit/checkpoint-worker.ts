// The thread a checkpoint's checks run on where the log is an SQLite file: it reads the events after
// the anchor from the file itself (read only, a connection of its own), no further than the position
// the service says is on disk, checks their commit MACs and rolls the digest on (CheckpointSpan), and
// answers with where the log can be anchored. The service's thread then only signs and stores it.
import { parentPort, workerData } from 'node:worker_threads';
import { CommitMac } from '../event-store/commit-mac.js';
import { ChainRowReader } from '../event-store/sqlite/event-rows.js';
import { defined } from '../shared/assert.js';
import { CheckpointSpan, type SpanChecked } from './checkpoint-span.js';
import type { CheckpointReply, CheckpointRequest, CheckpointWorkerData } from './threaded-chain-checks.js';

const port = defined(parentPort, 'parentPort');
const data = workerData as CheckpointWorkerData;
// Opened at the first request, inside its error handling: a file that cannot be opened fails that check.
let reader: ChainRowReader | undefined;
const commitMac = data.macKey === undefined ? undefined : new CommitMac(Buffer.from(data.macKey));
const spanPositions = BigInt(data.spanPositions);

function checked({ from, through, maxCount }: CheckpointRequest): SpanChecked {
  const span = new CheckpointSpan(from, commitMac);
  let after = from.digest.position;
  let left = maxCount;
  while (after < through && left > 0) {
    const end = after + spanPositions < through ? after + spanPositions : through;
    reader ??= new ChainRowReader(data.sqlitePath);
    const { records, next } = reader.read(after, end);
    for (const record of records) {
      if (left === 0 || !span.add(record)) return span.checked;
      left -= 1;
    }
    if (next === null || next > through) break;
    // Positions the log does not hold are skipped, not read span by empty span.
    after = next - 1n > end ? next - 1n : end;
  }
  return span.checked;
}

port.on('message', (request: CheckpointRequest) => {
  let reply: CheckpointReply;
  try {
    reply = { checked: checked(request) };
  } catch (error) {
    // An error crosses threads whole only if it is a plain one (SQLite's lose their message): its message is sent.
    reply = { error: error instanceof Error ? error.message : String(error) };
  }
  port.postMessage(reply);
});

process.on('exit', () => reader?.close());
