/**
 * Applies a profile to a device: GETs its identity and meter OIDs (retrying
 * the missing ones in the profile's SNMP context), walks its named meter
 * tables and private level columns. Every failure is a recorded problem.
 */
import { create } from "@bufbuild/protobuf";
import { type Counter, CounterKind, CounterSchema, CounterUnit, type ReadProblem, ReadProblemSchema } from "../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profiles/index.ts";
import { type SnmpSession, type VarBind, isException } from "../snmp/session.ts";
import { meterOf, numberOf, textOf, toTable } from "./values.ts";

export interface VendorData {
  values: Map<string, VarBind>;
  counters: Counter[];
  privateLevels: Map<string, number>;
  problems: ReadProblem[];
}

/**
 * Identity OIDs the device did not answer in the default context, asked
 * again in the profile's context (HP serves gdStatusId only in "Jetdirect"
 * on some firmware). Only called when identity is still incomplete, since
 * asking a device for a context it lacks costs a timeout.
 */
export async function readContextIdentity(ctx: SnmpSession, profile: Profile, values: Map<string, VarBind>): Promise<boolean> {
  const sources = [...(profile.model ?? []), ...(profile.serial ?? []), ...(profile.firmware ?? [])];
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

export async function readVendorData(session: SnmpSession, profile: Profile): Promise<VendorData> {
  const section = `profile:${profile.id}`;
  const problems: ReadProblem[] = [];
  const values = new Map<string, VarBind>();
  const sources = [...(profile.model ?? []), ...(profile.serial ?? []), ...(profile.firmware ?? [])];
  const oids = [...new Set([...sources.map((s) => s.from).filter((f) => f !== "sysDescr"), ...(profile.counters ?? []).map((c) => c.oid)])];

  const tableWalks = (profile.counterTables ?? []).map((t) => session.walk(t.entry));
  const levelWalk = profile.privateLevel ? session.walk(profile.privateLevel.column) : undefined;
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
    counters.push(create(CounterSchema, { kind: c.kind, value, unit: c.unit ?? CounterUnit.IMPRESSIONS, oid: c.oid, name: c.name }));
  }

  const walked = await Promise.all(tableWalks);
  (profile.counterTables ?? []).forEach((t, i) => {
    const r = walked[i];
    if (r.stopped) problems.push(create(ReadProblemSchema, { section, oid: t.entry, message: r.stopped }));
    const table = toTable(t.entry, r.varbinds);
    for (const [idx, vb] of table.get(t.valueColumn) ?? []) {
      const name = textOf(table.get(t.nameColumn)?.get(idx)) || `${t.entry}.${t.valueColumn}.${idx}`;
      const value = meterOf(vb);
      if (value === undefined) {
        problems.push(create(ReadProblemSchema, { section, oid: vb.oid, message: `meter "${name}" is not a number` }));
        continue;
      }
      const kind = t.kinds[name.toLowerCase()] ?? CounterKind.OTHER;
      counters.push(create(CounterSchema, { kind, value, unit: t.unit ?? CounterUnit.IMPRESSIONS, oid: vb.oid, name }));
    }
  });

  const privateLevels = new Map<string, number>();
  if (levelWalk && profile.privateLevel) {
    const r = await levelWalk;
    const prefix = `${profile.privateLevel.column}.`;
    for (const vb of r.varbinds) {
      const n = numberOf(vb);
      if (n !== undefined) privateLevels.set(vb.oid.slice(prefix.length).split(".").pop() ?? "", n);
    }
  }
  return { values, counters, privateLevels, problems };
}
