// docs/rules.md stays true: every rule id it lists is written beside its rule in a cited decider,
// every cited function is exported by its file, every event is one the ledger knows, and every spec
// title is a test that exists. Renaming any of them without the page fails here.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { eventTypes } from '../../src/events/upcasting.js';

const root = join(import.meta.dirname, '..', '..');
const page = readFileSync(join(root, 'docs', 'rules.md'), 'utf8');

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : path.endsWith('.ts') ? [path] : [];
  });
}

// Titles as written in the tests, with escaped quotes read as the quotes they are.
const testText = filesUnder(join(root, 'test'))
  .map((path) => readFileSync(path, 'utf8').replaceAll("\\'", "'"))
  .join('\n');
const specText = filesUnder(join(root, 'test', 'specs'))
  .map((path) => readFileSync(path, 'utf8'))
  .join('\n');

interface Row {
  readonly id: string;
  readonly deciders: { file: string; name: string }[];
  readonly events: string[];
  readonly titles: string[];
}

const rows: Row[] = page
  .split('\n')
  .filter((line) => /^\| `[a-z0-9-]+` \|/.test(line))
  .map((line) => {
    const cells = line.split(' | ');
    const id = /`([a-z0-9-]+)`/.exec(cells[0]!)![1]!;
    const decider = cells[cells.length - 3]!;
    const events = cells[cells.length - 2]!;
    const spec = cells[cells.length - 1]!;
    return {
      id,
      deciders: [...decider.matchAll(/`([a-z/-]+\.ts)#([A-Za-z]+)`/g)].map((m) => ({ file: m[1]!, name: m[2]! })),
      events: [...events.matchAll(/`([A-Za-z]+)`/g)].map((m) => m[1]!),
      titles: [...spec.matchAll(/"([^"]+)"/g)].map((m) => m[1]!),
    };
  });

describe('docs/rules.md', () => {
  it('lists the rules, each with a decider and a spec', () => {
    expect(rows.length).toBeGreaterThan(30);
    for (const row of rows) {
      expect({ id: row.id, deciders: row.deciders.length > 0, titles: row.titles.length > 0 }).toEqual({ id: row.id, deciders: true, titles: true });
    }
  });

  it('cites functions that their files export, and writes each rule id in one of them', () => {
    const missing: string[] = [];
    for (const row of rows) {
      const texts = row.deciders.map(({ file, name }) => {
        const text = readFileSync(join(root, 'src', file), 'utf8');
        if (!new RegExp(`export (async )?(function|const) ${name}\\b`).test(text)) missing.push(`${row.id}: ${file} does not export ${name}`);
        return text;
      });
      if (!texts.some((text) => text.includes(`\`${row.id}\``))) missing.push(`${row.id}: no cited decider names the rule id`);
    }
    expect(missing).toEqual([]);
  });

  it('names events the ledger knows', () => {
    const unknown = rows.flatMap((row) => row.events.filter((type) => !(eventTypes as string[]).includes(type)).map((type) => `${row.id}: ${type}`));
    expect(unknown).toEqual([]);
  });

  it('quotes test titles that exist, and every rule id has a spec titled by it', () => {
    const absent = rows.flatMap((row) => row.titles.filter((title) => !testText.includes(`'${title}'`) && !testText.includes(`"${title}"`)).map((title) => `${row.id}: ${title}`));
    expect(absent).toEqual([]);
    const withoutSpec = rows
      .filter((row) => row.id !== 'uscc-check' && row.id !== 'baoding-m8-priority' && ![`'`, '"', '`'].some((quote) => specText.includes(`${quote}${row.id}:`)))
      .map((row) => row.id);
    expect(withoutSpec).toEqual([]);
  });
});
