// The thread that keeps an SQLite read side, in a file of its own, up to date with an SQLite log: it
// reads the events from the log's file itself, no further than the head the service says is on disk,
// applies them in batches (each batch and its checkpoint one transaction, see SqliteReadModel), and
// sleeps until the head moves again. The service's own thread then spends nothing on projecting but
// telling the head (see ThreadedProjector).
import { parentPort, workerData } from 'node:worker_threads';
import { SqliteProjectionFeed } from '../event-store/projection-feed.js';
import { defined } from '../shared/assert.js';
import { idleWaitMs, positionSlot, signalSlot, type ProjectorWorkerData } from './projector-thread.js';
import { openReadSideFile } from './sqlite-read-file.js';
import { SqliteReadModel } from './sqlite-read-model.js';

const port = defined(parentPort, 'parentPort');
const data = workerData as ProjectorWorkerData;
const positions = new BigInt64Array(data.positions);
const signals = new Int32Array(data.signals);

const events = new SqliteProjectionFeed(data.eventsPath);
const readDb = openReadSideFile(data.readPath);
// The times of positions are read from the events' own table (see openReadSide).
const model = new SqliteReadModel(readDb);

const stopAsked = (): boolean => Atomics.load(signals, signalSlot.stop) !== 0;
const durableHead = (): bigint => Atomics.load(positions, positionSlot.durableHead);

// Published once it moves: the service set it at start from the same file (0 if a rebuild is due).
let checkpoint = model.checkpoint();

function publish(): void {
  Atomics.store(positions, positionSlot.checkpoint, checkpoint);
  // The service wakes whoever waits for a position (Projector.waitFor).
  port.postMessage(null);
}

/** Sleeps until the service moves the durable head (or asks to stop), at most `idleWaitMs`. */
function sleepUntilHeadMoves(seen: number): void {
  Atomics.wait(signals, signalSlot.headMoves, seen, idleWaitMs);
}

/**
 * Applies the events on disk after the checkpoint, batch by batch; false if asked to stop before the
 * last. During a rebuild the rows are not all in the tables until it ends: nothing is published.
 */
function catchUp(publishing = true): boolean {
  for (;;) {
    const batch = events.read(checkpoint, durableHead(), data.batchSizeMax);
    if (batch.length === 0) return true;
    if (stopAsked()) return false;
    checkpoint = model.applyBatch(batch);
    if (publishing) publish();
  }
}

function resume(): boolean {
  if (!model.isRebuildInterrupted()) return catchUp();
  // A rebuild a crash cut off starts again from the first event (its marker stays until it ends).
  model.beginBulk();
  checkpoint = 0n;
  publish();
  try {
    if (!catchUp(false)) {
      model.abortBulk();
      return false;
    }
    model.endBulk();
    publish();
    return true;
  } catch (error) {
    model.abortBulk();
    throw error;
  }
}

try {
  // The head is not known until the service has read it.
  for (let seen = Atomics.load(signals, signalSlot.headMoves); durableHead() < 0n && !stopAsked(); seen = Atomics.load(signals, signalSlot.headMoves)) {
    sleepUntilHeadMoves(seen);
  }
  if (resume()) {
    while (!stopAsked()) {
      const seen = Atomics.load(signals, signalSlot.headMoves);
      if (durableHead() > checkpoint) {
        // A batch gathers what comes within the linger (a batch of one command's events writes
        // nearly as many pages as one of a hundred's), unless a caller waits for it.
        if (durableHead() - checkpoint < BigInt(data.batchSizeMax)) Atomics.wait(signals, signalSlot.lingerCut, 0, data.lingerMs);
        catchUp();
      } else sleepUntilHeadMoves(seen);
    }
  }
} catch (error) {
  // Only plain errors cross to the service's thread whole (SQLite's own lose their message there).
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  throw new Error(`the read side's projector thread stopped: ${detail}`, { cause: error });
} finally {
  readDb.close();
  events.close();
}
