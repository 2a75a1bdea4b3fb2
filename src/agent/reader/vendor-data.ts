/**
 * Applies a profile to a device: GETs its identity and meter OIDs (retrying
 * the missing ones in the profile's SNMP context), walks its meter tables,
 * private level columns and extra subtrees, or GETs exactly the OIDs an
 * earlier walk of the same device found. Every failure is a recorded problem.
 */
import { create } from "@bufbuild/protobuf";
import { type Counter, CounterKind, CounterUnit, type ReadProblem, ReadProblemSchema } from "../../gen/dca/v1/reading_pb.ts";
import { counterMessage } from "./reading-messages.ts";
import type { CodedCounterTable, Profile } from "../profiles/index.ts";
import type { SummedCounterTable } from "../profiles/profile.ts";
import { oidInSubtree } from "../../common/ber.ts";
import { type SnmpSession, type VarBind, isException } from "../snmp/session.ts";
import type { WalkOutcome } from "../snmp/walk.ts";
import { type NamedLevel, decodeBlock } from "./decoders/index.ts";
import { meterOf, numberOf, textOf, toTable } from "./values.ts";

export interface VendorData {
  values: Map<string, VarBind>;
  counters: Counter[];
  privateLevels: Map<string, number>;
  /** Levels the vendor reports by part name (Brother's maintenance block). */
  namedLevels: NamedLevel[];
  problems: ReadProblem[];
  /** OIDs under the profile's walked subtrees that held data; GET these next time. */
  learned: string[];
}

/** Where the profile finds its text facts: model, serial, firmware and the network card's firmware. */
function textSources(profile: Profile) {
  return [...(profile.model ?? []), ...(profile.serial ?? []), ...(profile.firmware ?? []), ...(profile.networkFirmware ?? [])];
}

/**
 * Identity OIDs the device did not answer in the default context, asked
 * again in the profile's context (HP serves gdStatusId only in "Jetdirect"
 * on some firmware). Only called when identity is still incomplete, since
 * asking a device for a context it lacks costs a timeout.
 */
export async function readContextIdentity(ctx: SnmpSession, profile: Profile, values: Map<string, VarBind>): Promise<boolean> {
  const sources = textSources(profile);
  const missing = [...new Set(sources.map((s) => s.from))].filter((o) => o !== "sysDescr" && !values.has(o));
  if (missing.length === 0) return false;
  const before = values.size;
  try {
    await getAll(ctx, missing, values, [], "context");
  } finally {
    ctx.close();
  }
  return values.size > before;
}

/** GETs of this many OIDs at most per request (small agents reject big PDUs). */
const GET_CHUNK = 16;

async function getAll(session: SnmpSession, oids: string[], into: Map<string, VarBind>, problems: ReadProblem[], section: string) {
  for (let i = 0; i < oids.length; i += GET_CHUNK) {
    const chunk = oids.slice(i, i + GET_CHUNK);
    try {
      const vbs = await session.get(chunk);
      for (const vb of vbs) if (!isException(vb)) into.set(vb.oid, vb);
    } catch (e) {
      problems.push(create(ReadProblemSchema, { section, oid: chunk[0], message: (e as Error).message }));
    }
  }
}

/** The subtrees a profile walks: meter tables, the private level column, extra subtrees. */
export function vendorSubtrees(profile: Profile): string[] {
  const roots = [
    ...(profile.counterTables ?? []).map((t) => t.entry),
    ...(profile.codedCounterTables ?? []).map((t) => t.entry),
    ...(profile.summedCounterTables ?? []).map((t) => t.entry),
    ...(profile.privateLevel ? [profile.privateLevel.column] : []),
    ...(profile.walk ?? []),
  ];
  return [...new Set(roots)];
}

interface Fetched {
  varbinds: Map<string, VarBind[]>;
  problems: ReadProblem[];
  learned: string[];
}

/**
 * Walks each subtree once, or, given the OIDs an earlier walk found, GETs
 * exactly those: cheaper, and a meter that vanished is noticed instead of
 * silently missing from the table.
 */
async function fetchSubtrees(session: SnmpSession, roots: string[], learned: readonly string[] | undefined, section: string): Promise<Fetched> {
  const problems: ReadProblem[] = [];
  const varbinds = new Map<string, VarBind[]>();
  if (!learned) {
    const walks = (await Promise.all(roots.map((r) => session.walk(r)))) as WalkOutcome[];
    const found: string[] = [];
    roots.forEach((root, i) => {
      const r = walks[i];
      if (r.stopped) problems.push(create(ReadProblemSchema, { section, oid: root, message: r.stopped }));
      for (const s of r.skipped ?? []) problems.push(create(ReadProblemSchema, { section, oid: s.oid, message: s.reason }));
      varbinds.set(root, r.varbinds);
      found.push(...r.varbinds.map((vb) => vb.oid));
    });
    return { varbinds, problems, learned: [...new Set(found)] };
  }
  await Promise.all(
    roots.map(async (root) => {
      const oids = learned.filter((o) => oidInSubtree(o, root));
      const got = new Map<string, VarBind>();
      await getAll(session, oids, got, problems, section);
      for (const oid of oids) {
        if (!got.has(oid)) problems.push(create(ReadProblemSchema, { section, oid, message: `meter ${oid} answered by the walk is missing now` }));
      }
      varbinds.set(root, [...got.values()]);
    }),
  );
  return { varbinds, problems, learned: [...learned] };
}

/** Meters of a coded table: each row's code says what it is, whatever its position. */
export function codedCounters(t: CodedCounterTable, varbinds: readonly VarBind[], section: string): { counters: Counter[]; problems: ReadProblem[] } {
  const counters: Counter[] = [];
  const problems: ReadProblem[] = [];
  const table = toTable(t.entry, varbinds);
  const seen = new Set<string>();
  for (const [idx, vb] of table.get(t.valueColumn) ?? []) {
    const code = t.codeColumn === undefined ? (idx.split(".").pop() ?? "") : textOf(table.get(t.codeColumn)?.get(idx)).trim();
    const meter = t.codes[code];
    if (!meter && t.unknownCodes === "ignore") continue;
    // Some firmware list a code twice (Ricoh's machine total); the first row is the meter.
    if (code && seen.has(code)) continue;
    if (code) seen.add(code);
    const label = t.nameColumn === undefined ? "" : textOf(table.get(t.nameColumn)?.get(idx)).trim();
    const name = meter?.name ?? (label || `code-${code || "unknown"}`);
    const value = meterOf(vb);
    if (value === undefined) {
      problems.push(create(ReadProblemSchema, { section, oid: vb.oid, message: `meter "${name}" (code ${code || "?"}) is not a number: "${textOf(vb)}"` }));
      continue;
    }
    const unit = meter?.unit ?? t.unit ?? CounterUnit.IMPRESSIONS;
    counters.push(counterMessage({ kind: meter?.kind ?? CounterKind.OTHER, value, unit, oid: vb.oid, name }));
  }
  return { counters, problems };
}

/**
 * Meters that are sums over selected rows. A meter no row matches is left
 * out (the device does not count that job type), never reported as 0; a
 * matching row whose value is not a number makes the sum unknown, so the
 * meter is left out and the row named.
 */
export function summedCounters(t: SummedCounterTable, varbinds: readonly VarBind[], section: string): { counters: Counter[]; problems: ReadProblem[] } {
  const table = toTable(t.entry, varbinds);
  const counters: Counter[] = [];
  const problems: ReadProblem[] = [];
  const values = table.get(t.valueColumn) ?? new Map<string, VarBind>();
  for (const m of t.meters) {
    let sum = 0n;
    let rows = 0;
    let bad: VarBind | undefined;
    for (const [idx, vb] of values) {
      const matches = Object.entries(m.where).every(([col, accepted]) => {
        const n = numberOf(table.get(Number(col))?.get(idx));
        return n !== undefined && accepted.includes(n);
      });
      if (!matches) continue;
      const v = meterOf(vb);
      if (v === undefined) {
        bad = vb;
        break;
      }
      sum += v;
      rows++;
    }
    if (bad) {
      problems.push(create(ReadProblemSchema, { section, oid: bad.oid, message: `meter "${m.name}" is not a number in this row; the sum is unknown` }));
      continue;
    }
    if (rows === 0) continue;
    counters.push(
      counterMessage({ kind: m.kind, value: sum, unit: m.unit ?? CounterUnit.IMPRESSIONS, oid: `${t.entry}.${t.valueColumn}`, name: `${m.name} (sum of ${rows} rows)` }),
    );
  }
  return { counters, problems };
}

/**
 * Reads the profile's vendor data. With `learned` (from an earlier read of
 * the same device) the walked subtrees are not walked again: exactly those
 * OIDs are fetched, and one that no longer answers is a problem, never a 0.
 */
export async function readVendorData(session: SnmpSession, profile: Profile, learned?: readonly string[]): Promise<VendorData> {
  const section = `profile:${profile.id}`;
  const problems: ReadProblem[] = [];
  const values = new Map<string, VarBind>();
  const sources = textSources(profile);
  const oids = [
    ...new Set([
      ...sources.map((s) => s.from).filter((f) => f !== "sysDescr"),
      ...(profile.counters ?? []).map((c) => c.oid),
      ...(profile.blocks ?? []).map((b) => b.oid),
    ]),
  ];

  const subtreeFetch = fetchSubtrees(session, vendorSubtrees(profile), learned, section);
  await getAll(session, oids, values, problems, section);

  const counters: Counter[] = [];
  for (const c of profile.counters ?? []) {
    const vb = values.get(c.oid);
    if (!vb) continue;
    const value = meterOf(vb, c.leadingNumber);
    if (value === undefined) {
      problems.push(create(ReadProblemSchema, { section, oid: c.oid, message: `meter "${c.name}" is not a number: "${textOf(vb)}"` }));
      continue;
    }
    counters.push(counterMessage({ kind: c.kind, value, unit: c.unit ?? CounterUnit.IMPRESSIONS, oid: c.oid, name: c.name }));
  }

  const namedLevels: NamedLevel[] = [];
  for (const b of profile.blocks ?? []) {
    const decoded = decodeBlock(b.decoder, values.get(b.oid));
    counters.push(...decoded.counters);
    namedLevels.push(...decoded.levels);
    problems.push(...decoded.problems);
  }

  const fetched = await subtreeFetch;
  problems.push(...fetched.problems);
  const under = (root: string) => fetched.varbinds.get(root) ?? [];
  for (const root of profile.walk ?? []) for (const vb of under(root)) if (!values.has(vb.oid)) values.set(vb.oid, vb);

  for (const t of profile.counterTables ?? []) {
    const table = toTable(t.entry, under(t.entry));
    for (const [idx, vb] of table.get(t.valueColumn) ?? []) {
      const name = textOf(table.get(t.nameColumn)?.get(idx)) || `${t.entry}.${t.valueColumn}.${idx}`;
      const value = meterOf(vb);
      if (value === undefined) {
        problems.push(create(ReadProblemSchema, { section, oid: vb.oid, message: `meter "${name}" is not a number` }));
        continue;
      }
      const kind = t.kinds[name.toLowerCase()] ?? CounterKind.OTHER;
      counters.push(counterMessage({ kind, value, unit: t.unit ?? CounterUnit.IMPRESSIONS, oid: vb.oid, name }));
    }
  }
  for (const t of profile.codedCounterTables ?? []) {
    const coded = codedCounters(t, under(t.entry), section);
    counters.push(...coded.counters);
    problems.push(...coded.problems);
  }
  for (const t of profile.summedCounterTables ?? []) {
    const summed = summedCounters(t, under(t.entry), section);
    counters.push(...summed.counters);
    problems.push(...summed.problems);
  }

  const privateLevels = new Map<string, number>();
  if (profile.privateLevel) {
    const prefix = `${profile.privateLevel.column}.`;
    for (const vb of under(profile.privateLevel.column)) {
      const n = numberOf(vb);
      if (n !== undefined) privateLevels.set(vb.oid.slice(prefix.length).split(".").pop() ?? "", n);
    }
  }
  return { values, counters, privateLevels, namedLevels, problems, learned: fetched.learned };
}
