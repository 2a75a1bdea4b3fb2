/**
 * Compares a reading with a hand-written expectation that names only the fields it
 * cares about. Rules (also in test/fixtures/README.md):
 * - an object matches when each key of the expectation matches;
 * - `null` means the field must be absent (optional fields such as `percent`);
 * - a string starting with `~` must occur in the value, ignoring case;
 * - numbers match within 0.05;
 * - arrays must have the same length; elements with an `index` or `oid` are paired by
 *   it, others by position.
 */

export function matchPartial(expected: unknown, actual: unknown, path = "reading"): string[] {
  if (expected === null) return actual === undefined ? [] : [`${path}: want absent, got ${show(actual)}`];
  if (actual === undefined) return [`${path}: missing, want ${show(expected)}`];
  if (typeof expected === "string" && expected.startsWith("~")) {
    const needle = expected.slice(1).toLowerCase();
    return typeof actual === "string" && actual.toLowerCase().includes(needle) ? [] : [`${path}: ${show(actual)} does not contain ${show(needle)}`];
  }
  if (typeof expected === "number") {
    return typeof actual === "number" && Math.abs(actual - expected) <= 0.05 ? [] : [`${path}: ${show(actual)}, want ${expected}`];
  }
  if (Array.isArray(expected)) return matchArray(expected, actual, path);
  if (typeof expected === "object") {
    if (typeof actual !== "object" || actual === null || Array.isArray(actual)) return [`${path}: ${show(actual)}, want an object`];
    return Object.entries(expected).flatMap(([k, v]) => matchPartial(v, (actual as Record<string, unknown>)[k], `${path}.${k}`));
  }
  return expected === actual ? [] : [`${path}: ${show(actual)}, want ${show(expected)}`];
}

function keyOf(item: unknown): string | undefined {
  if (typeof item !== "object" || item === null) return undefined;
  const o = item as Record<string, unknown>;
  if (o.index !== undefined) return `index=${o.index}`;
  if (o.oid !== undefined) return `oid=${o.oid}`;
  return undefined;
}

function matchArray(expected: unknown[], actual: unknown, path: string): string[] {
  if (!Array.isArray(actual)) return [`${path}: ${show(actual)}, want an array`];
  const diffs: string[] = [];
  if (actual.length !== expected.length) {
    diffs.push(`${path}: ${actual.length} entries, want ${expected.length}${actual.length > expected.length ? `: extra ${show(actual.map(keyOf).filter(Boolean))}` : ""}`);
  }
  expected.forEach((want, i) => {
    const key = keyOf(want);
    const got = key === undefined ? actual[i] : actual.find((a) => keyOf(a) === key);
    diffs.push(...matchPartial(want, got, `${path}[${key ?? i}]`));
  });
  return diffs;
}

function show(value: unknown): string {
  const text = JSON.stringify(value);
  return text === undefined ? "undefined" : text.length > 120 ? `${text.slice(0, 120)}…` : text;
}
