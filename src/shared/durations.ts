// Durations and rates for reports and benchmarks (never money).

/** Milliseconds as seconds with two decimals. */
export function secondsOf(durationMs: number): number {
  return Math.round(durationMs / 10) / 100;
}

/** Items per second over a duration in ms, whole. */
export function ratePerSecond(count: number, durationMs: number): number {
  return durationMs <= 0 ? 0 : Math.round((count * 1000) / durationMs);
}
