/**
 * The bounds of an audit record's text and the canonical JSON of its
 * `detail`. A record is written for every sign-in failure, so a caller (or an
 * attacker choosing a username) must not be able to grow the log without
 * bound: every string is cut to AUDIT_MAX_STRING characters and the detail to
 * AUDIT_MAX_DETAIL_BYTES. The detail is stored as canonical JSON so that the
 * same facts always give the same bytes, and so the same hash.
 */

/** Longest string kept in an audit record (a field, or any string or key inside `detail`), in UTF-16 code units. */
export const AUDIT_MAX_STRING = 512;
/** Largest stored `detail`, in UTF-8 bytes of its canonical JSON. */
export const AUDIT_MAX_DETAIL_BYTES = 4096;
/** Key added to a `detail` that had to be cut: how many of its top-level entries were dropped. */
export const AUDIT_TRUNCATED_KEY = "_truncated";

// Deeper nesting than this is no audit fact; it would also let a caller make the encoder recurse without end.
const MAX_DEPTH = 8;
const CUT_MARK = "\u2026";

/**
 * A string as the audit log keeps it: lone surrogates replaced by U+FFFD (so
 * that its UTF-8 is defined), and if longer than AUDIT_MAX_STRING, cut to
 * AUDIT_MAX_STRING - 1 characters (never inside a surrogate pair) plus "…".
 */
export function auditText(s: string): string {
  const t = s.toWellFormed();
  if (t.length <= AUDIT_MAX_STRING) return t;
  let head = t.slice(0, AUDIT_MAX_STRING - 1);
  const last = head.charCodeAt(head.length - 1);
  if (last >= 0xd800 && last <= 0xdbff) head = head.slice(0, -1);
  return head + CUT_MARK;
}

/**
 * The canonical JSON of a detail ("" for none or an empty one): keys sorted
 * by UTF-16 code units (JavaScript's default sort) at every level, no
 * whitespace, strings and numbers as JSON.stringify writes them. Values are
 * first normalised: strings and keys cut (auditText), non-finite numbers
 * become null, bigints decimal strings, Dates ISO strings, undefined,
 * functions and symbols are left out of objects (null in arrays), nesting
 * deeper than 8 becomes null. If the result is over AUDIT_MAX_DETAIL_BYTES,
 * top-level entries are kept in key order while they fit, and
 * `"_truncated": <entries dropped>` is added.
 */
export function canonicalDetail(detail: Record<string, unknown> | undefined): string {
  if (!detail) return "";
  const entries = objectEntries(detail, 0);
  if (entries.length === 0) return "";
  const whole = encodeEntries(entries);
  if (utf8Length(whole) <= AUDIT_MAX_DETAIL_BYTES) return whole;
  // Room for the marker with up to 10 digits and its comma, and the braces.
  let budget = AUDIT_MAX_DETAIL_BYTES - utf8Length(`,"${AUDIT_TRUNCATED_KEY}":1234567890`) - 2;
  const kept: [string, string][] = [];
  for (const [k, v] of entries) {
    if (k === AUDIT_TRUNCATED_KEY) continue;
    const size = utf8Length(`${JSON.stringify(k)}:${v}`) + (kept.length ? 1 : 0);
    if (size > budget) continue;
    kept.push([k, v]);
    budget -= size;
  }
  kept.push([AUDIT_TRUNCATED_KEY, String(entries.length - kept.length)]);
  return encodeEntries(kept.sort(byKey));
}

/** The normalised, encoded entries of an object, sorted by key; entries whose value is left out are dropped. */
function objectEntries(o: object, depth: number): [string, string][] {
  const out: [string, string][] = [];
  for (const [k, v] of Object.entries(o)) {
    const encoded = encodeValue(v, depth + 1);
    if (encoded !== undefined) out.push([auditText(k), encoded]);
  }
  // Two keys cut to the same text: the first in sort order of the originals stays.
  out.sort(byKey);
  return out.filter(([k], i) => i === 0 || out[i - 1][0] !== k);
}

function encodeEntries(entries: [string, string][]): string {
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${v}`).join(",")}}`;
}

/** The canonical JSON of one value, or undefined when an object leaves it out. */
function encodeValue(v: unknown, depth: number): string | undefined {
  switch (typeof v) {
    case "string":
      return JSON.stringify(auditText(v));
    case "number":
      return Number.isFinite(v) ? JSON.stringify(v) : "null";
    case "boolean":
      return v ? "true" : "false";
    case "bigint":
      return JSON.stringify(v.toString());
    case "object":
      if (v === null || depth > MAX_DEPTH) return "null";
      if (v instanceof Date) return Number.isNaN(v.getTime()) ? "null" : JSON.stringify(v.toISOString());
      if (Array.isArray(v)) return `[${v.map((x) => encodeValue(x, depth + 1) ?? "null").join(",")}]`;
      return encodeEntries(objectEntries(v, depth));
    default:
      return undefined;
  }
}

const byKey = (a: [string, string], b: [string, string]) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0);

const utf8Length = (s: string) => Buffer.byteLength(s, "utf8");
