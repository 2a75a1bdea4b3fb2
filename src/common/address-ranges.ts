/**
 * Sorted, disjoint, inclusive address ranges. Merging on insert is what
 * deduplicates targets without a Set of every address, and subtraction is
 * how exclusions apply to a /8 without expanding it.
 */

/** An inclusive range [start, end]. */
export interface Span {
  start: bigint;
  end: bigint;
}

/** Mutable union of ranges, kept sorted and merged. */
export interface AddressRanges {
  add(start: bigint, end: bigint): void;
  subtract(start: bigint, end: bigint): void;
  has(value: bigint): boolean;
  /** Number of addresses covered. */
  size(): bigint;
  spans(): readonly Span[];
}

/** Creates an empty range set. */
export function createAddressRanges(): AddressRanges {
  let spans: Span[] = [];

  // Index of the first span whose end is >= value (spans.length if none).
  const lowerBound = (value: bigint): number => {
    let lo = 0;
    let hi = spans.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (spans[mid].end < value) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };

  return {
    add(start, end) {
      // Adjacent spans merge too (end + 1 === start), so 10.0.0.1-5 and 10.0.0.6-9 become one.
      const i = lowerBound(start > 0n ? start - 1n : 0n);
      let s = start;
      let e = end;
      let j = i;
      while (j < spans.length && spans[j].start <= e + 1n) {
        if (spans[j].start < s) s = spans[j].start;
        if (spans[j].end > e) e = spans[j].end;
        j++;
      }
      spans.splice(i, j - i, { start: s, end: e });
    },
    subtract(start, end) {
      const i = lowerBound(start);
      const out: Span[] = [];
      let j = i;
      while (j < spans.length && spans[j].start <= end) {
        const sp = spans[j];
        if (sp.start < start) out.push({ start: sp.start, end: start - 1n });
        if (sp.end > end) out.push({ start: end + 1n, end: sp.end });
        j++;
      }
      spans.splice(i, j - i, ...out);
    },
    has(value) {
      const i = lowerBound(value);
      return i < spans.length && spans[i].start <= value;
    },
    size() {
      let n = 0n;
      for (const sp of spans) n += sp.end - sp.start + 1n;
      return n;
    },
    spans() {
      return spans;
    },
  };
}
