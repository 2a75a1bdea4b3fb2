/**
 * Reads one device: finds a credential that works, walks the standard
 * tables and the profile's vendor data concurrently over one session, and
 * assembles a DeviceReading. A failing part becomes a ReadProblem; only a
 * device that answers no credential at all fails the read.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { type DeviceReading, DeviceReadingSchema, ReadProblemSchema, SnmpVersion } from "../../gen/dca/v1/reading_pb.ts";
import { matchProfile } from "../profiles/index.ts";
import { type Credential, withContext } from "../../common/credential.ts";
import { type OpenSession, withSessionOpener } from "../snmp/open-session.ts";
import type { SessionTarget } from "../snmp/session.ts";
import { SnmpError, type SnmpSession, type VarBind } from "../snmp/session.ts";
import type { WalkOutcome } from "../snmp/walk.ts";
import { buildAlerts, buildConsole, ticksToDuration } from "./alerts.ts";
import { type IdentityInputs, buildIdentity, needsDeviceId } from "./identity.ts";
import { readDeviceId } from "./device-id.ts";
import { buildMarkerCounters } from "./marker-counters.ts";
import { OID, WALKED_TABLES } from "./oids.ts";
import { buildStatus, printerDeviceIndex } from "./status.ts";
import { buildSupplies } from "./supplies.ts";
import { buildTrays } from "./trays.ts";
import { numberOf, oidOf, textOf, toTable } from "./values.ts";
import { walkMany } from "../snmp/walk-many.ts";
import { electBillingTotal } from "./billing-total.ts";
import { PWG_COUNTER_ROOT, pwgCountersFromWalk } from "./pwg-counters.ts";
import { readContextIdentity, readVendorData } from "./vendor-data.ts";
import { DcaError } from "../../common/errors.ts";
import { READ_LIMITS, type ReadBudget, type ReadLimits, createReadBudget } from "../snmp/read-budget.ts";

/** Shortest wait for an answer in a vendor SNMP context (HP "Jetdirect"). */
const CONTEXT_MIN_TIMEOUT_MS = 500;

export type { OpenSession } from "../snmp/open-session.ts";
export type { ReadLimits } from "../snmp/read-budget.ts";

export interface ReadOptions {
  target: SessionTarget;
  /** Tried in order; the first that answers is used and named in the reading. */
  credentials: readonly Credential[];
  /** Hostname the user gave, kept when the device has no sysName. */
  hostname?: string;
  /** Default: a shared-socket client of its own for v1/v2c (pass one opener to share it between reads), net-snmp for v3. */
  openSession?: OpenSession;
  now?: () => Date;
  /**
   * Vendor OIDs an earlier read of this device learned by walking: they are
   * GET exactly instead of walked, and one that no longer answers is a problem.
   */
  learned?: readonly string[];
  /** What the read may cost (default {@link READ_LIMITS}; the deadline is `snmp.readDeadline`). */
  limits?: Partial<ReadLimits>;
}

/** A reading and the vendor OIDs to GET on the next read of the same device. */
export interface DetailedReading {
  reading: DeviceReading;
  learned: string[];
}

const SYSTEM_OIDS = [OID.sysDescr, OID.sysObjectID, OID.sysUpTime, OID.sysContact, OID.sysName, OID.sysLocation];

/** "10.0.0.7", "10.0.0.7:1161", "[fd00::7]:1161". */
export function formatAddress(host: string, port: number): string {
  const h = host.includes(":") ? `[${host}]` : host;
  return port === 161 ? host : `${h}:${port}`;
}

async function connect(opts: ReadOptions, open: OpenSession, budget: ReadBudget) {
  const failures: string[] = [];
  const where = formatAddress(opts.target.host, opts.target.port);
  for (const cred of opts.credentials) {
    const session = open(opts.target, cred);
    try {
      const t0 = performance.now();
      const system = await session.get(SYSTEM_OIDS);
      if (system.every((vb) => vb.tag >= 0x80)) throw new SnmpError("not-found", "no system group");
      return { session, cred, system, rttMs: performance.now() - t0 };
    } catch (e) {
      session.close();
      if (budget.exceeded) {
        // Nothing was read: the read fails, naming the limit (a larger snmp.readDeadline may help).
        throw new DcaError(SnmpError.from(e).code, `${where}: ${budget.exceeded.split(";")[0]} before any credential was answered (${[...failures, cred.name].join(", ")} tried); check the device, or allow a longer snmp.readDeadline`);
      }
      failures.push(`${cred.name}: ${SnmpError.from(e).message}`);
    }
  }
  if (failures.length === 0) throw new DcaError("invalid-config", `no credentials to read ${where} with; give a community or an SNMPv3 user`);
  throw new DcaError(
    "unavailable",
    `${where} did not answer SNMP (${failures.join(", ")}); check that the device is on and that its SNMP agent is enabled for this community or v3 user, or allow a longer timeout`,
  );
}

/** Reads one device into a DeviceReading. */
export async function readDevice(opts: ReadOptions): Promise<DeviceReading> {
  return (await readDeviceDetailed(opts)).reading;
}

/** Reads one device, also returning the vendor OIDs it learned (pass them back as `learned`). */
export async function readDeviceDetailed(opts: ReadOptions): Promise<DetailedReading> {
  return withSessionOpener(opts.openSession, (open) => readWith(opts, open));
}

/**
 * The read's limits: the defaults, what the caller gave, and a deadline of at
 * least two requests' full wait (timeout x tries), so that a long per-request
 * timeout a dealer chose still leaves room for a read.
 */
function limitsOf(opts: ReadOptions): ReadLimits {
  const limits = { ...READ_LIMITS, ...opts.limits };
  const twoRequests = 2 * opts.target.timeoutMs * (opts.target.retries + 1);
  return { ...limits, deadlineMs: Math.max(limits.deadlineMs, twoRequests) };
}

async function readWith(opts: ReadOptions, openRaw: OpenSession): Promise<DetailedReading> {
  const started = performance.now();
  const readAt = (opts.now ?? (() => new Date()))();
  // One budget over every session of this read: each credential, the walks, the context.
  const budget = createReadBudget(limitsOf(opts));
  const open: OpenSession = (target, cred) => budget.wrap(openRaw(target, cred));
  try {
    return await readConnected(opts, open, budget, started, readAt);
  } finally {
    budget.close();
  }
}

async function readConnected(opts: ReadOptions, open: OpenSession, budget: ReadBudget, started: number, readAt: Date): Promise<DetailedReading> {
  const { session, cred, system, rttMs } = await connect(opts, open, budget);
  try {
    const sys = new Map<string, VarBind>(system.map((vb) => [vb.oid, vb]));
    const sysDescr = textOf(sys.get(OID.sysDescr));
    const sysObjectId = oidOf(sys.get(OID.sysObjectID));
    const profile = matchProfile(sysObjectId, sysDescr);
    const problems = [];

    // The standard tables and the PWG counters in shared GETBULKs; the vendor data beside them.
    const [all, vendor] = await Promise.all([
      walkMany(session, [...WALKED_TABLES.map((t) => t.entry), PWG_COUNTER_ROOT]),
      readVendorData(session, profile, opts.learned),
    ]);
    const walks = all.slice(0, WALKED_TABLES.length);
    const pwgWalk = all[WALKED_TABLES.length]!;
    const pwg = pwgCountersFromWalk(pwgWalk.varbinds);
    if (pwgWalk.stopped) problems.push(create(ReadProblemSchema, { section: "pwg-counters", oid: PWG_COUNTER_ROOT, message: pwgWalk.stopped }));
    problems.push(...pwg.problems);
    const tables = new Map<string, ReturnType<typeof toTable>>();
    WALKED_TABLES.forEach((t, i) => {
      const r = walks[i] as WalkOutcome;
      if (r.stopped) problems.push(create(ReadProblemSchema, { section: t.section, oid: t.entry, message: r.stopped }));
      for (const s of r.skipped ?? []) problems.push(create(ReadProblemSchema, { section: t.section, oid: s.oid, message: s.reason }));
      tables.set(t.entry, toTable(t.entry, r.varbinds));
    });
    problems.push(...vendor.problems);
    const table = (entry: string) => tables.get(entry) ?? new Map();
    const devices = table(OID.hrDeviceEntry);
    const printerIndex = printerDeviceIndex(devices);
    const identityInputs: IdentityInputs = {
      profile,
      sysDescr,
      vendorValues: vendor.values,
      devices,
      general: table(OID.prtGeneralEntry),
      interfaces: table(OID.ifEntry),
      printerIndex,
    };
    if (needsDeviceId(identityInputs)) identityInputs.deviceId = await readDeviceId(session, vendor.values, printerIndex);
    let identity = buildIdentity(identityInputs);
    if (profile.context && (!identity.model || !identity.serialNumber)) {
      // A device without the context never answers for it: wait a few of its round trips, not a full timeout.
      const ctxTimeout = Math.min(opts.target.timeoutMs, Math.max(CONTEXT_MIN_TIMEOUT_MS, Math.ceil(rttMs * 5)));
      const ctx = open({ ...opts.target, retries: 0, timeoutMs: ctxTimeout }, withContext(cred, profile.context));
      if (await readContextIdentity(ctx, profile, vendor.values)) identity = buildIdentity(identityInputs);
    }
    const markerCounters = buildMarkerCounters(table(OID.prtMarkerEntry), problems);
    const supplies = buildSupplies(table(OID.prtMarkerSuppliesEntry), table(OID.prtMarkerColorantEntry), profile, vendor.privateLevels, vendor.namedLevels, problems);
    // Which limit cut the read short, if one did (each unfinished table names it too).
    if (budget.exceeded) problems.push(create(ReadProblemSchema, { section: "read", message: budget.exceeded }));
    const uptime = numberOf(sys.get(OID.sysUpTime));
    const reading = create(DeviceReadingSchema, {
      address: formatAddress(opts.target.host, opts.target.port),
      sysObjectId,
      sysDescr,
      ...identity,
      hostname: textOf(sys.get(OID.sysName)) || opts.hostname || "",
      uptime: uptime !== undefined ? ticksToDuration(uptime) : undefined,
      credential: cred.name,
      readAt: timestampFromDate(readAt),
      readDurationMs: Math.round(performance.now() - started),
      sysLocation: textOf(sys.get(OID.sysLocation)),
      sysContact: textOf(sys.get(OID.sysContact)),
      snmpVersion: session.version === 1 ? SnmpVersion.V1 : session.version === 2 ? SnmpVersion.V2C : SnmpVersion.V3,
      profile: profile.id,
      requestCount: session.requestCount,
      counters: electBillingTotal([...markerCounters, ...pwg.counters, ...vendor.counters]),
      supplies,
      trays: buildTrays(table(OID.prtInputEntry)),
      status: buildStatus(devices, table(OID.hrPrinterEntry)),
      alerts: buildAlerts(table(OID.prtAlertEntry)),
      console: buildConsole(table(OID.prtConsoleDisplayBufferEntry)),
      problems,
    });
    return { reading, learned: vendor.learned };
  } finally {
    session.close();
  }
}
