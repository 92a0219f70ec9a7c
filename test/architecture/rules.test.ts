// Static rules of the code base, checked on every test run: money never in a JS number, and the
// decisions free of the framework and of storage.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';

const root = join(import.meta.dirname, '..', '..');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

const files = sourceFiles(join(root, 'src')).map((path) => ({ path: relative(root, path), text: readFileSync(path, 'utf8') }));

const capabilities = ['applications', 'notices', 'awards', 'budgets', 'enterprises', 'disbursements', 'clawbacks', 'programmes', 'events', 'shared'];

describe('code rules', () => {
  it('finds the source files it checks', () => {
    expect(files.length).toBeGreaterThan(20);
  });

  it('never types or converts an amount as a JS number in src/', () => {
    const moneyName = '(amount|budget|award|paid|recovered|committed|spend|yuan|entitlement|remaining|headroom|clawback)';
    const patterns = [new RegExp(`\\b\\w*${moneyName}\\w*\\??\\s*:\\s*number\\b`, 'i'), new RegExp(`(parseFloat|Number)\\([^)]*${moneyName}`, 'i'), /parseFloat\(/, /\.toFixed\(/];
    const offences = files.flatMap(({ path, text }) =>
      text.split('\n').flatMap((line, i) => {
        // decimal.js's own toFixed (on a Decimal) is how money is formatted: allowed in money.ts only.
        if (path.endsWith(join('shared', 'money.ts')) && line.includes('toFixed(2, Decimal.ROUND_DOWN)')) return [];
        return patterns.some((p) => p.test(line)) ? [`${path}:${i + 1}: ${line.trim()}`] : [];
      }),
    );
    expect(offences).toEqual([]);
  });

  it('keeps the capabilities (deciders, states, use cases) free of NestJS, of the event store and of the clock', () => {
    const forbidden = [/from '@nestjs\//, /from '\.\.\/event-store\//, /from 'better-sqlite3'/, /from 'pg'/, /\bDate\.now\(\)/, /new Date\(\)/, /Math\.random\(\)/];
    const offences = files
      .filter(({ path }) => capabilities.some((folder) => path.startsWith(join('src', folder) + sep)))
      .flatMap(({ path, text }) => text.split('\n').flatMap((line, i) => (forbidden.some((p) => p.test(line)) ? [`${path}:${i + 1}: ${line.trim()}`] : [])));
    expect(offences).toEqual([]);
  });
});
