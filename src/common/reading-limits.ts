/**
 * The bounds of one reading, in one place: how long each string may be and
 * how many entries each list may hold. The agent applies them before it
 * stores a reading (so it never builds what the hub refuses); the hub applies
 * them again to what it receives, since an agent's credential can be stolen.
 *
 * Two rules, chosen for a printer that really does send too much: a string
 * over its bound is cut and the cut is recorded as a ReadProblem (the rest of
 * the reading is worth keeping), while a list over its bound is cut by the
 * agent but refused by the hub (no agent builds one, so only a forged upload
 * carries one). The numbers leave room over what the Printer-MIB allows
 * (DisplayString SIZE(0..255), a handful of rows per table): the largest
 * reading of our recorded printers holds 18 counters, 8 supplies and strings
 * under 100 characters.
 */
import { ScalarType, type DescMessage, clone, create } from "@bufbuild/protobuf";
import { type DeviceReading, DeviceReadingSchema, ReadProblemSchema } from "../gen/dca/v1/reading_pb.ts";
import { MAX_TEXT, cutText } from "./text.ts";

/** Longest string field of a reading, in characters (the same bound as text decoded from a device). */
export const MAX_READING_TEXT = MAX_TEXT;

/** Most entries per repeated field, by "<message>.<field>" (the proto names). */
export const READING_LIST_LIMITS: Readonly<Record<string, number>> = {
  "DeviceReading.counters": 256,
  "DeviceReading.supplies": 64,
  "DeviceReading.trays": 32,
  "DeviceReading.alerts": 64,
  "DeviceReading.console": 32,
  "DeviceReading.problems": 64,
  "PrinterStatus.detected_errors": 32,
};

/** Section of the ReadProblem that says what the bounds cut. */
export const LIMITS_SECTION = "limits";

type Walk = (msg: Record<string, unknown>, desc: DescMessage, path: string) => void;

/** Calls `visit` on the reading and every message inside it, with a path for messages ("supplies[2]"). */
function walk(reading: DeviceReading, visit: Walk): void {
  const go = (msg: Record<string, unknown>, desc: DescMessage, path: string) => {
    visit(msg, desc, path);
    for (const f of desc.fields) {
      const v = msg[f.localName];
      if (f.fieldKind === "message" && v) go(v as Record<string, unknown>, f.message, join(path, f.name));
      if (f.fieldKind === "list" && f.listKind === "message") {
        (v as Record<string, unknown>[]).forEach((m, i) => go(m, f.message, `${join(path, f.name)}[${i}]`));
      }
    }
  };
  go(reading as unknown as Record<string, unknown>, DeviceReadingSchema, "");
}

const join = (path: string, name: string) => (path ? `${path}.${name}` : name);

const listLimit = (desc: DescMessage, field: string) => READING_LIST_LIMITS[`${desc.name}.${field}`];

/**
 * The first list of `reading` that holds more entries than its bound, said
 * in words ("counters has 300 entries, at most 256"); undefined when none does.
 * The hub refuses such a reading.
 */
export function readingOverLimits(reading: DeviceReading): string | undefined {
  let over: string | undefined;
  walk(reading, (msg, desc, path) => {
    for (const f of desc.fields) {
      const max = f.fieldKind === "list" ? listLimit(desc, f.name) : undefined;
      const n = max === undefined ? 0 : (msg[f.localName] as unknown[]).length;
      if (max !== undefined && n > max) over ??= `${join(path, f.name)} has ${n} entries, at most ${max}`;
    }
  });
  return over;
}

/**
 * `reading` within the bounds: the same object when it already is, else a
 * copy with each list cut to its bound and each string to MAX_READING_TEXT,
 * and one ReadProblem (section "limits") naming what was cut. The problem
 * list keeps room for that entry, so the result is always within bounds.
 */
export function capReading(reading: DeviceReading): DeviceReading {
  if (!needsCut(reading)) return reading;
  const out = clone(DeviceReadingSchema, reading);
  const cut: string[] = [];
  walk(out, (msg, desc, path) => {
    for (const f of desc.fields) {
      const name = join(path, f.name);
      const v = msg[f.localName];
      if (f.fieldKind === "scalar" && f.scalar === ScalarType.STRING && (v as string).length > MAX_READING_TEXT) {
        cut.push(`${name} (${(v as string).length} characters)`);
        msg[f.localName] = cutText(v as string, MAX_READING_TEXT);
      }
      if (f.fieldKind !== "list") continue;
      const list = v as unknown[];
      if (f.listKind === "scalar" && f.scalar === ScalarType.STRING) {
        list.forEach((s, i) => {
          if ((s as string).length > MAX_READING_TEXT) {
            cut.push(`${name}[${i}] (${(s as string).length} characters)`);
            list[i] = cutText(s as string, MAX_READING_TEXT);
          }
        });
      }
      const max = listLimit(desc, f.name);
      if (max !== undefined && list.length > max) {
        cut.push(`${name} (${list.length} entries)`);
        list.length = max;
      }
    }
  });
  const max = READING_LIST_LIMITS["DeviceReading.problems"]!;
  if (out.problems.length >= max) out.problems.length = max - 1;
  const message = `cut to the reading's bounds (${MAX_READING_TEXT} characters a string, lists as in src/common/reading-limits.ts): ${cut.join(", ")}`;
  out.problems.push(create(ReadProblemSchema, { section: LIMITS_SECTION, message: cutText(message, MAX_READING_TEXT) }));
  return out;
}

/** Whether anything in `reading` is over a bound. */
function needsCut(reading: DeviceReading): boolean {
  if (readingOverLimits(reading) !== undefined) return true;
  let long = false;
  walk(reading, (msg, desc) => {
    for (const f of desc.fields) {
      if (long || f.scalar !== ScalarType.STRING) continue;
      const v = msg[f.localName];
      long = f.fieldKind === "list" ? (v as string[]).some((s) => s.length > MAX_READING_TEXT) : (v as string).length > MAX_READING_TEXT;
    }
  });
  return long;
}
