// The power cut's two halves outside the preloaded library (power-cut.c): building the library, and
// rebuilding from its journal the files a disk would hold after losing power when the writers were
// killed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const source = join(import.meta.dirname, 'power-cut.c');

/** A C compiler on the PATH (cc, else gcc), or undefined. */
export function cCompiler(): string | undefined {
  return ['cc', 'gcc'].find((name) => spawnSync(name, ['--version'], { stdio: 'ignore' }).status === 0);
}

/** Compiles the library into `dir`; returns its path. */
export function buildPowerCut(compiler: string, dir: string): string {
  const library = join(dir, 'libpowercut.so');
  const built = spawnSync(compiler, ['-shared', '-fPIC', '-O2', '-Wall', '-o', library, source, '-ldl', '-lpthread'], { encoding: 'utf8' });
  if (built.status !== 0) throw new Error(`compiling power-cut.c failed: ${built.stderr}`);
  return library;
}

const OP = { write: 1, truncate: 2, syncBegin: 3, syncEnd: 4, unlink: 5, create: 6 } as const;
const headerSize = 32;

type ContentOp = { readonly kind: 'write'; readonly offset: number; readonly data: Buffer } | { readonly kind: 'truncate'; readonly length: number };

/** One file as the journal saw it: its content when the journal began (absent: null), the changes since, and how many of them a sync has covered. */
interface FileHistory {
  base: Buffer | null;
  ops: ContentOp[];
  durable: number;
  epoch: number;
}

export type CutModel =
  /** Only what a finished sync covered reaches the disk. */
  | 'synced-only'
  /** Besides, any of the later writes may have reached it too (a random subset, each whole). */
  | 'synced-and-some-later';

export interface CutReport {
  readonly writes: number;
  readonly syncs: number;
  /** Writes that no finished sync covered: lost (synced-only), or kept at random. */
  readonly unsyncedWrites: number;
}

/**
 * Rewrites the files under `dir` whose names start with `baseName` as the power cut leaves them: each
 * file's content when the journal began, with the writes a finished sync covered (a sync covers the
 * writes to its file recorded before it began), and, in the second model, a random subset of the rest.
 * Creations and removals are taken as they happened (the directory's own durability is not modelled).
 * The -shm file is dropped: it holds only an index that SQLite rebuilds from the -wal when it opens a
 * database whose -shm it is the first to map.
 */
export function cutPower(journalPath: string, dir: string, baseName: string, model: CutModel, random: () => number): CutReport {
  const files = new Map<string, FileHistory>();
  for (const name of readdirSync(dir).filter((name) => name.startsWith(baseName))) {
    files.set(join(dir, name), { base: readFileSync(join(dir, name)), ops: [], durable: 0, epoch: 0 });
  }
  const historyOf = (path: string): FileHistory => {
    let history = files.get(path);
    if (history === undefined) files.set(path, (history = { base: null, ops: [], durable: 0, epoch: 0 }));
    return history;
  };
  const begun = new Map<bigint, { history: FileHistory; covers: number; epoch: number }>();
  const journal = existsSync(journalPath) ? readFileSync(journalPath) : Buffer.alloc(0);
  let writes = 0;
  let syncs = 0;
  for (let at = 0; at < journal.length;) {
    const size = journal.readUInt32LE(at);
    const op = journal.readUInt32LE(at + 4);
    const pathLength = journal.readUInt32LE(at + 12);
    const offset = journal.readBigUInt64LE(at + 16);
    const length = Number(journal.readBigUInt64LE(at + 24));
    const path = journal.toString('utf8', at + headerSize, at + headerSize + pathLength);
    if (at + size > journal.length) break; // a record cut short by the kill: it never happened
    const history = historyOf(path);
    switch (op) {
      case OP.write:
        writes += 1;
        history.ops.push({ kind: 'write', offset: Number(offset), data: journal.subarray(at + headerSize + pathLength, at + headerSize + pathLength + length) });
        break;
      case OP.truncate:
        history.ops.push({ kind: 'truncate', length: Number(offset) });
        break;
      case OP.syncBegin:
        begun.set(offset, { history, covers: history.ops.length, epoch: history.epoch });
        break;
      case OP.syncEnd: {
        const sync = begun.get(offset);
        if (sync !== undefined && sync.epoch === sync.history.epoch) sync.history.durable = Math.max(sync.history.durable, sync.covers);
        syncs += 1;
        break;
      }
      case OP.unlink:
      case OP.create:
        Object.assign(history, { base: op === OP.create ? Buffer.alloc(0) : null, ops: [], durable: 0, epoch: history.epoch + 1 });
        break;
      default:
        throw new Error(`unknown record ${op} at ${at} of the journal`);
    }
    at += size;
  }
  let unsyncedWrites = 0;
  for (const [path, history] of files) {
    rmSync(path, { force: true });
    if (history.base === null || path.endsWith('-shm')) continue;
    let content = Buffer.from(history.base);
    const apply = (op: ContentOp): void => {
      if (op.kind === 'truncate') {
        content = op.length <= content.length ? content.subarray(0, op.length) : Buffer.concat([content, Buffer.alloc(op.length - content.length)]);
        return;
      }
      const end = op.offset + op.data.length;
      if (end > content.length) content = Buffer.concat([content, Buffer.alloc(end - content.length)]);
      op.data.copy(content, op.offset);
    };
    history.ops.forEach((op, index) => {
      if (index < history.durable) return apply(op);
      if (op.kind === 'write') unsyncedWrites += 1;
      if (model === 'synced-and-some-later' && random() < 0.5) apply(op);
    });
    writeFileSync(path, content);
  }
  return { writes, syncs, unsyncedWrites };
}
