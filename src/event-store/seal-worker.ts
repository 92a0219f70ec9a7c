// The thread verify checks the events' seals on (hashes, commit MACs, the rolling digest), beside the
// chain checks on the thread that reads the log: see `SealChecker` in hash-chain.ts. Each message is
// a page of records, answered with its seals; 'finish' is answered with the digests rolled, and the
// thread that started it then stops it.
import { parentPort, workerData } from 'node:worker_threads';
import { defined } from '../shared/assert.js';
import { SealChecker, recordsOfSealFields, type SealWorkerData } from './hash-chain.js';

const port = defined(parentPort, 'parentPort');
const data = workerData as SealWorkerData;
const checker = new SealChecker(data.macKey, data.checkpointPositions);

port.on('message', (message: unknown) => {
  if (message === 'finish') {
    port.postMessage(checker.finish());
    return;
  }
  const seals = checker.checkPage(recordsOfSealFields(message as unknown[]));
  port.postMessage(seals, [seals.buffer]);
});
