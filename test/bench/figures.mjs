// The last line every benchmark prints: its figures as one JSON object, each beside the baseline
// measured in the same run and their ratio, for tools to read (the table above it is for people).
/**
 * @param {string} bench
 * @param {{ name: string, value: number, baseline: number | null, unit?: string }[]} figures
 */
export function printFigures(bench, figures) {
  const rows = figures.map(({ name, value, baseline, unit }) => ({
    name,
    value: Number(value.toFixed(3)),
    baseline: baseline === null ? null : Number(baseline.toFixed(3)),
    ratio: baseline === null || baseline === 0 ? null : Number((value / baseline).toFixed(3)),
    ...(unit === undefined ? {} : { unit }),
  }));
  process.stdout.write(`${JSON.stringify({ bench, figures: rows })}\n`);
}
