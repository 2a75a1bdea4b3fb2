/**
 * Brother's hex blocks: the counter block (BROTHER_OIDS.counters), the
 * maintenance block (BROTHER_OIDS.maintenance) and the "next care" block
 * (BROTHER_OIDS.nextCare) are OCTET STRINGs of records
 * `code(1) 0x01 length(1) value(length, big-endian)`, closed by 0xFF. Older
 * models write maintenance records with length 2: a level byte and its full
 * scale byte (0x14 = 20 steps). The code tables are vendor data in
 * profiles/vendors/brother.ts; this file only turns bytes into numbers.
 */
import { create } from "@bufbuild/protobuf";
import { type Counter, CounterKind, CounterSchema, CounterUnit, type ReadProblem, ReadProblemSchema, SupplyType } from "../../../gen/dca/v1/reading_pb.ts";
import { BROTHER_COUNTER_CODES, BROTHER_MAINTENANCE_CODES, BROTHER_NEXT_CARE_CODES, BROTHER_PART_TYPES } from "../../profiles/vendors/brother.ts";
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

/** The records of one block value; nothing (no value) or a problem (a malformed block, none of it trusted). */
function blockRecords(vb: VarBind | undefined, legacy: boolean, what: string): { oid: string; records: BrotherRecord[] } | { problem?: ReadProblem } {
  const bytes = bytesOf(vb);
  if (!vb || !bytes) return {};
  try {
    return { oid: vb.oid, records: decodeRecords(bytes, legacy) };
  } catch (e) {
    return { problem: problemOf(vb.oid, `${what} block is malformed: ${(e as Error).message}`) };
  }
}

/**
 * Counters from the GET of BROTHER_OIDS.counters. Each counter's OID is the
 * block's OID and its name says which record it came from; codes we do not
 * know are kept as COUNTER_KIND_OTHER.
 */
export function brotherCountersFromValue(vb: VarBind | undefined): { counters: Counter[]; problems: ReadProblem[] } {
  const block = blockRecords(vb, false, "counter");
  if (!("records" in block)) return { counters: [], problems: block.problem ? [block.problem] : [] };
  const { oid, records } = block;
  const counters = records.map(({ code, value }) => {
    const known = BROTHER_COUNTER_CODES[code];
    return create(CounterSchema, {
      kind: known?.kind ?? CounterKind.OTHER,
      value: BigInt(value),
      unit: CounterUnit.IMPRESSIONS,
      oid,
      name: `${known?.name ?? "brother counter"} (code ${hex(code)})`,
    });
  });
  return { counters, problems: [] };
}

/** A supply level read from the maintenance block, or the pages left from the next-care block. */
export interface BrotherLevel {
  code: number;
  /** "black toner", "drum", "fuser"... (BROTHER_MAINTENANCE_CODES, BROTHER_NEXT_CARE_CODES). */
  item: string;
  percent?: number;
  state?: "ok" | "low";
  remainingPages?: number;
  /** How the value was derived, for the supply's percent basis. */
  basis: string;
  /** The block's OID. */
  oid: string;
  /** The supply type, for a part that has no Printer-MIB row. */
  type: SupplyType;
}

const typeOf = (item: string) => BROTHER_PART_TYPES.find(([re]) => re.test(item))?.[1] ?? SupplyType.OTHER;

/**
 * Levels from the GET of BROTHER_OIDS.maintenance: remaining life in
 * hundredths of a percent, coarse percents, legacy level/scale pairs and
 * status codes. Page counts of parts are not levels and are left out.
 */
export function brotherLevelsFromValue(vb: VarBind | undefined): { levels: BrotherLevel[]; problems: ReadProblem[] } {
  const block = blockRecords(vb, true, "maintenance");
  if (!("records" in block)) return { levels: [], problems: block.problem ? [block.problem] : [] };
  const { oid, records } = block;
  const levels: BrotherLevel[] = [];
  const problems: ReadProblem[] = [];
  for (const r of records) {
    const known = BROTHER_MAINTENANCE_CODES[r.code];
    if (!known || known.measure === "pages") continue;
    const tag = `brother maintenance code ${hex(r.code)}`;
    if (r.max !== undefined) {
      if (r.max === 0 || r.value > r.max) problems.push(problemOf(oid, `${tag}: level ${r.value} of ${r.max} is not a level`));
      else levels.push({ code: r.code, item: known.item, percent: Math.round((r.value / r.max) * 100), basis: `${tag}: ${r.value} of ${r.max} steps`, oid, type: typeOf(known.item) });
      continue;
    }
    if (known.measure === "status") {
      const state = r.value === 1 ? "ok" : r.value === 2 ? "low" : undefined;
      if (state) levels.push({ code: r.code, item: known.item, state, basis: `${tag}: status ${r.value}`, oid, type: typeOf(known.item) });
      else problems.push(problemOf(oid, `${tag}: unknown status ${r.value}`));
      continue;
    }
    const percent = known.measure === "hundredths" ? r.value / 100 : r.value;
    if (percent > 100) problems.push(problemOf(oid, `${tag}: ${percent} % is out of range`));
    else {
      const basis = known.measure === "hundredths" ? `${tag}: remaining life in 1/100 %` : `${tag}: level in %`;
      levels.push({ code: r.code, item: known.item, percent, basis, oid, type: typeOf(known.item) });
    }
  }
  return { levels, problems };
}

/**
 * Pages left per part from the GET of BROTHER_OIDS.nextCare; codes we do not
 * know are left out (the block also carries values of unknown meaning).
 */
export function brotherNextCareFromValue(vb: VarBind | undefined): { levels: BrotherLevel[]; problems: ReadProblem[] } {
  const block = blockRecords(vb, false, "next-care");
  if (!("records" in block)) return { levels: [], problems: block.problem ? [block.problem] : [] };
  const { oid, records } = block;
  return {
    levels: records.flatMap((r) => {
      const item = BROTHER_NEXT_CARE_CODES[r.code];
      return item ? [{ code: r.code, item, remainingPages: r.value, basis: `brother next-care code ${hex(r.code)}: ${r.value} pages left`, oid, type: typeOf(item) }] : [];
    }),
    problems: [],
  };
}
