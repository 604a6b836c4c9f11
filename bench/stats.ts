/** Small statistics for the bench: latency samples, quantiles, and the median and spread of repeats. */

/** A growable array of latency samples in milliseconds. */
export class Samples {
  private data = new Float64Array(1 << 16);
  /** How many samples have been added. */
  length = 0;

  /** Adds one sample. */
  push(ms: number): void {
    if (this.length === this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    this.data[this.length++] = ms;
  }

  /** The samples sorted ascending (a copy). */
  sorted(): Float64Array {
    return this.data.slice(0, this.length).sort();
  }
}

/** The q-quantile (0..1) of ascending values by nearest rank; NaN when empty. */
export function quantile(sorted: ArrayLike<number>, q: number): number {
  if (sorted.length === 0) return Number.NaN;
  const i = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[i] as number;
}

/** Median, minimum and maximum of repeated measurements (NaN values are left out). */
export interface Spread {
  median: number;
  min: number;
  max: number;
  n: number;
}

/** The median and min–max of repeated measurements. */
export function spread(values: number[]): Spread {
  const v = values.filter((x) => Number.isFinite(x)).sort((a, b) => a - b);
  if (v.length === 0) return { median: Number.NaN, min: Number.NaN, max: Number.NaN, n: 0 };
  const mid = v.length >> 1;
  const median = v.length % 2 ? (v[mid] as number) : ((v[mid - 1] as number) + (v[mid] as number)) / 2;
  return { median, min: v[0] as number, max: v[v.length - 1] as number, n: v.length };
}
