/**
 * The local UTC offset, without waking the JavaScript engine's time zone
 * support. `Date#getTimezoneOffset` loads ICU's time zone data and calendar
 * (about 3 MB of an idle agent's memory, measured with test/bench/read/idle.ts),
 * and the agent asks for the offset on every poll (a site's update window is in
 * its local time). On Linux and macOS the zone's TZif file (RFC 8536:
 * /etc/localtime, or the zone TZ names) holds every transition up to 2037 or
 * 2038; the offset is looked up there. Anything else (Windows, a POSIX rule in
 * TZ, a time past the table in a zone with DST, an unreadable file) asks Date.
 */
import { readFileSync } from "node:fs";

const ZONEINFO = "/usr/share/zoneinfo";
/** A TZif file is a few KB; a longer one is not read. */
const TZIF_MAX_BYTES = 256 * 1024;

/** Minutes east of UTC at `atMs` (e.g. 60 for CET), as -new Date(atMs).getTimezoneOffset() says. */
export function localUtcOffsetMinutes(atMs = Date.now(), env: NodeJS.ProcessEnv = process.env): number {
  const file = process.platform === "win32" ? undefined : zoneFile(env.TZ);
  if (file === "UTC") return 0;
  if (file !== undefined) {
    try {
      const bytes = readFileSync(file);
      const seconds = bytes.length <= TZIF_MAX_BYTES ? tzifOffsetSeconds(bytes, Math.floor(atMs / 1000)) : undefined;
      // Whole minutes toward zero, as Date gives a local mean time of -11:26:56 (-686).
      if (seconds !== undefined) return Math.trunc(seconds / 60);
    } catch {
      // No such zone file: Date knows what to do.
    }
  }
  return -new Date(atMs).getTimezoneOffset();
}

/** The TZif file for a TZ value (undefined: not a zone name, ask Date), or "UTC". */
function zoneFile(tz: string | undefined): string | undefined {
  if (tz === undefined) return "/etc/localtime";
  if (tz === "") return "UTC";
  const name = tz.startsWith(":") ? tz.slice(1) : tz;
  if (name.startsWith("/")) return name;
  return /^[A-Za-z0-9_+-]+(\/[A-Za-z0-9_+-]+)*$/.test(name) && /[A-Za-z]/.test(name[0]!) ? `${ZONEINFO}/${name}` : undefined;
}

/**
 * The UT offset in seconds at `t` (seconds since the epoch) from a TZif file's
 * 64-bit block; undefined when the file is not one this reads or `t` lies past
 * its last transition in a zone whose rule (the footer) still has DST.
 */
export function tzifOffsetSeconds(b: Uint8Array, t: number): number | undefined {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const header = (at: number) => {
    if (at + 44 > b.length || String.fromCharCode(b[at]!, b[at + 1]!, b[at + 2]!, b[at + 3]!) !== "TZif") return undefined;
    const n = (i: number) => view.getUint32(at + 20 + 4 * i);
    return { version: b[at + 4]!, isut: n(0), isstd: n(1), leap: n(2), time: n(3), type: n(4), char: n(5) };
  };
  const v1 = header(0);
  if (!v1 || v1.version < 0x32) return undefined; // "2" or later: the 64-bit block and the footer.
  const second = 44 + v1.time * 5 + v1.type * 6 + v1.char + v1.leap * 8 + v1.isstd + v1.isut;
  const h = header(second);
  if (!h || h.type === 0) return undefined;
  const times = second + 44;
  const indices = times + h.time * 8;
  const types = indices + h.time;
  const end = types + h.type * 6 + h.char + h.leap * 12 + h.isstd + h.isut;
  if (end > b.length) return undefined;
  const offsetOf = (type: number) => (type < h.type ? view.getInt32(types + type * 6) : undefined);
  // The last transition at or before t (binary search; the times are increasing).
  let lo = 0;
  let hi = h.time - 1;
  let found = -1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (Number(view.getBigInt64(times + mid * 8)) <= t) {
      found = mid;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  if (found === -1) return offsetOf(0);
  if (found === h.time - 1 && footerHasDst(b.subarray(end))) return undefined;
  return offsetOf(b[indices + found]!);
}

/** Whether the footer's POSIX TZ string ("\nCET-1CEST,M3.5.0,M10.5.0/3\n") names a DST part. */
function footerHasDst(footer: Uint8Array): boolean {
  const text = new TextDecoder().decode(footer).trim();
  const std = /^(<[^>]*>|[A-Za-z]+)[+-]?\d{1,3}(:\d{1,2}){0,2}/.exec(text);
  return std === null || std[0].length < text.length;
}
