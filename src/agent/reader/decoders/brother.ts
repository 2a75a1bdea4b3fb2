/**
 * Brother's hex blocks: the counter block (BROTHER_OIDS.counters) and the
 * maintenance block (BROTHER_OIDS.maintenance) are OCTET STRINGs of records
 * `code(1) 0x01 length(1) value(length, big-endian)`, closed by 0xFF. Older
 * models write maintenance records with length 2: a level byte and its full
 * scale byte (0x14 = 20 steps). The code tables are vendor data in
 * profiles/vendors/brother.ts; this file only turns bytes into numbers.
 */
import { create } from "@bufbuild/protobuf";
import { type Counter, CounterKind, CounterSchema, CounterUnit, type ReadProblem, ReadProblemSchema } from "../../../gen/dca/v1/reading_pb.ts";
import { BROTHER_COUNTER_CODES, BROTHER_MAINTENANCE_CODES } from "../../profiles/vendors/brother.ts";
import type { VarBind } from "../../snmp/session.ts";
import { bytesOf } from "../values.ts";
import { DcaError } from "../../../common/errors.ts";

/** One record of a Brother block. */
export interface BrotherRecord {
  code: number;
  value: number;
  /** Legacy 2-byte records only: the full scale of `value`. */
  max?: number;
}

const TERMINATOR = 0xff;

function decodeRecords(bytes: Uint8Array, legacy: boolean): BrotherRecord[] {
  const out: BrotherRecord[] = [];
  let i = 0;
  while (i < bytes.length) {
    // The terminator is the last byte; anything after it is not ours to read.
    if (bytes[i] === TERMINATOR && i === bytes.length - 1) break;
    if (i + 3 > bytes.length) throw new DcaError("malformed", `record at byte ${i} is cut short`);
    const [code, marker, len] = [bytes[i], bytes[i + 1], bytes[i + 2]];
    if (marker !== 0x01) throw new DcaError("malformed", `record at byte ${i} (code ${hex(code)}) has marker ${hex(marker)}, not 01`);
    if (len < 1 || len > 6 || i + 3 + len > bytes.length) {
      throw new DcaError("malformed", `record at byte ${i} (code ${hex(code)}) has length ${len}, ${bytes.length - i - 3} bytes left`);
    }
    const body = bytes.subarray(i + 3, i + 3 + len);
    if (legacy && len === 2) {
      out.push({ code, value: body[0], max: body[1] });
    } else {
      let value = 0;
      for (const b of body) value = value * 256 + b;
      out.push({ code, value });
    }
    i += 3 + len;
  }
  return out;
}

const hex = (n: number) => n.toString(16).padStart(2, "0");

/** Records of the counter block; throws a DcaError `malformed` when the block does not follow the record layout (nothing of it should be trusted then). */
export function decodeBrotherCounters(bytes: Uint8Array): { code: number; value: number }[] {
  return decodeRecords(bytes, false);
}

/** Records of the maintenance block, legacy 2-byte (level, full scale) records included. */
export function decodeBrotherMaintenance(bytes: Uint8Array): BrotherRecord[] {
  return decodeRecords(bytes, true);
}

const problemOf = (oid: string, message: string) => create(ReadProblemSchema, { section: "profile:brother", oid, message });

/**
 * Counters from the GET of BROTHER_OIDS.counters. Each counter's OID is the
 * block's OID and its name says which record it came from; codes we do not
 * know are kept as COUNTER_KIND_OTHER.
 */
export function brotherCountersFromValue(vb: VarBind | undefined): { counters: Counter[]; problems: ReadProblem[] } {
  const bytes = bytesOf(vb);
  if (!vb || !bytes) return { counters: [], problems: [] };
  let records: { code: number; value: number }[];
  try {
    records = decodeBrotherCounters(bytes);
  } catch (e) {
    return { counters: [], problems: [problemOf(vb.oid, `counter block is malformed: ${(e as Error).message}`)] };
  }
  const counters = records.map(({ code, value }) => {
    const known = BROTHER_COUNTER_CODES[code];
    return create(CounterSchema, {
      kind: known?.kind ?? CounterKind.OTHER,
      value: BigInt(value),
      unit: CounterUnit.IMPRESSIONS,
      oid: vb.oid,
      name: `${known?.name ?? "brother counter"} (code ${hex(code)})`,
    });
  });
  return { counters, problems: [] };
}

/** A supply level read from the maintenance block. */
export interface BrotherLevel {
  code: number;
  /** "black toner", "drum", "fuser"... (BROTHER_MAINTENANCE_CODES). */
  item: string;
  percent?: number;
  state?: "ok" | "low";
  /** How the percent or state was derived, for the supply's percent basis. */
  basis: string;
}

/**
 * Levels from the GET of BROTHER_OIDS.maintenance: remaining life in
 * hundredths of a percent, coarse percents, legacy level/scale pairs and
 * status codes. Page counts of parts are not levels and are left out.
 */
export function brotherLevelsFromValue(vb: VarBind | undefined): { levels: BrotherLevel[]; problems: ReadProblem[] } {
  const bytes = bytesOf(vb);
  if (!vb || !bytes) return { levels: [], problems: [] };
  let records: BrotherRecord[];
  try {
    records = decodeBrotherMaintenance(bytes);
  } catch (e) {
    return { levels: [], problems: [problemOf(vb.oid, `maintenance block is malformed: ${(e as Error).message}`)] };
  }
  const levels: BrotherLevel[] = [];
  const problems: ReadProblem[] = [];
  for (const r of records) {
    const known = BROTHER_MAINTENANCE_CODES[r.code];
    if (!known || known.measure === "pages") continue;
    const tag = `brother maintenance code ${hex(r.code)}`;
    if (r.max !== undefined) {
      if (r.max === 0 || r.value > r.max) problems.push(problemOf(vb.oid, `${tag}: level ${r.value} of ${r.max} is not a level`));
      else levels.push({ code: r.code, item: known.item, percent: Math.round((r.value / r.max) * 100), basis: `${tag}: ${r.value} of ${r.max} steps` });
      continue;
    }
    if (known.measure === "status") {
      const state = r.value === 1 ? "ok" : r.value === 2 ? "low" : undefined;
      if (state) levels.push({ code: r.code, item: known.item, state, basis: `${tag}: status ${r.value}` });
      else problems.push(problemOf(vb.oid, `${tag}: unknown status ${r.value}`));
      continue;
    }
    const percent = known.measure === "hundredths" ? r.value / 100 : r.value;
    if (percent > 100) problems.push(problemOf(vb.oid, `${tag}: ${percent} % is out of range`));
    else levels.push({ code: r.code, item: known.item, percent, basis: known.measure === "hundredths" ? `${tag}: remaining life in 1/100 %` : `${tag}: level in %` });
  }
  return { levels, problems };
}
