/**
 * Safe decoding of strings that come from printers. A printer's strings are
 * untrusted: they may be UTF-8, Latin-1, UTF-16, NUL-padded, or carry
 * control characters and terminal escapes. What leaves here is printable.
 */

const utf8 = new TextDecoder("utf-8", { fatal: true });
const latin1 = new TextDecoder("latin1");
const utf16be = new TextDecoder("utf-16be");
const utf16le = new TextDecoder("utf-16le");

// Built once: a regular expression literal in a function is a new object at every call,
// and every text value of every reading passes here.
const HEX_CONTINUATION = /^([^\n]*)\n([0-9A-Fa-f]{2}(?:[ \n]+[0-9A-Fa-f]{2})*)[ \n]*$/;
const LINE_BREAKS = /\r\n|\r|\n|\t/g;
const CONTROLS = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u202a-\u202e\u2066-\u2069\ufeff\ufffd]/g;
const SPACE_RUNS = / {2,}/g;
/** Anything cleanText would change: a character outside printable ASCII, a double space, a space at either end. */
const NEEDS_CLEANING = /[^\x20-\x7e]| {2}|^ | $/;

/** Longest string kept from a device (a description, a console line). */
export const MAX_TEXT = 1024;

/** Decodes OCTET STRING bytes to clean text. */
export function decodeText(bytes: Uint8Array, max = MAX_TEXT): string {
  let b = bytes;
  // Trailing NUL padding is common (fixed-size firmware buffers).
  let end = b.length;
  while (end > 0 && b[end - 1] === 0) end--;
  b = b.subarray(0, end);
  let s: string;
  if (b.length >= 2 && b[0] === 0xfe && b[1] === 0xff) s = utf16be.decode(b.subarray(2));
  else if (b.length >= 2 && b[0] === 0xff && b[1] === 0xfe) s = utf16le.decode(b.subarray(2));
  else {
    try {
      s = utf8.decode(b);
    } catch {
      s = latin1.decode(b);
    }
  }
  return cleanText(joinHexContinuation(s), max);
}

/**
 * HP firmware splits a long description into its first 16 characters, a
 * newline, and the rest as hex byte pairs ("Cyan Cartridge 8\n32 37 41 20 48 50").
 * The continuation is decoded and joined back on.
 */
export function joinHexContinuation(s: string): string {
  if (!s.includes("\n")) return s;
  // The hex part may itself be wrapped over several lines.
  const m = HEX_CONTINUATION.exec(s);
  if (!m) return s;
  const bytes = Uint8Array.from(m[2].split(/[ \n]+/), (h) => Number.parseInt(h, 16));
  let rest: string;
  try {
    rest = utf8.decode(bytes);
  } catch {
    rest = latin1.decode(bytes);
  }
  return m[1] + rest.replace(/\u0000+$/, "");
}

/** Strips control characters (C0, DEL, C1, bidi overrides), folds whitespace runs, trims. */
export function cleanText(s: string, max = MAX_TEXT): string {
  // Most strings are plain printable ASCII, single-spaced and trimmed already: nothing to replace.
  const out = NEEDS_CLEANING.test(s) ? s.replace(LINE_BREAKS, " ").replace(CONTROLS, "").replace(SPACE_RUNS, " ").trim() : s;
  return out.length > max ? out.slice(0, max) : out;
}

/** Hex-encodes bytes ("2000" for hrPrinterDetectedErrorState). */
export function toHex(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString("hex");
}

/** "00:1b:a9:12:34:56" for a 6-byte MAC; empty for anything else or all zeros. */
export function formatMac(bytes: Uint8Array): string {
  if (bytes.length !== 6 || bytes.every((x) => x === 0)) return "";
  return Array.from(bytes, (x) => x.toString(16).padStart(2, "0")).join(":");
}

/**
 * `text` cut to at most `max` characters: the hub refuses a longer field,
 * and a long error refused would fail every poll after it.
 */
export function cutText(text: string, max: number): string {
  return text.length > max ? text.slice(0, max) : text;
}

/** A count with its noun in the right number: "1 attempt", "2 attempts" (`many` for irregular plurals). */
export function plural(n: number | bigint, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 || n === 1n ? one : many}`;
}
