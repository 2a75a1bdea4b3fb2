/**
 * Peers and probes for the durability tests: a fleet of simulated printers
 * with distinct serials, a hub process with one site and one activated
 * agent, and read-only looks into the agent's outbox and the hub's
 * database, so a test can tell which readings were made, which arrived and
 * which are still waiting.
 */
import { freeUdpPort } from "./free-port.ts";
import { Database } from "bun:sqlite";
import { existsSync, mkdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { type Fleet, startFleet } from "../sim/fleet.ts";
import { parseSnmprec } from "../sim/snmprec.ts";
import {
  type AgentProcess,
  type HubProcess,
  activateAgent,
  freePort,
  startAgentProcess,
  startHubProcess,
} from "./service-peers.ts";
import { repoRoot } from "./shared-dir.ts";

const PRINTERS = ["mono-laser", "color-mfp", "v1-only"] as const;
const SERIAL_OID = "1.3.6.1.2.1.43.5.1.1.17.1";
const MAC_OID = /^(1\.3\.6\.1\.2\.1\.2\.2\.1\.6\.\d+)\|4x\|02[0-9a-f]{10}$/m;

/** Printers on consecutive loopback addresses, one UDP port, and a switch after them. */
export interface PrinterFleet {
  fleet: Fleet;
  port: number;
  /** The site's scan target, e.g. "127.23.0.1-10". */
  targets: string;
  printers: number;
  stop(): Promise<void>;
}

/**
 * The repo's three printer recordings round-robin, each copy with its own
 * serial number and MAC, so the hub sees `printers` different devices.
 */
function printerRecording(i: number) {
  const name = PRINTERS[i % PRINTERS.length];
  let text = readFileSync(join(repoRoot, "test/fixtures/snmprec", `${name}.snmprec`), "utf8");
  const serial = `DUR${String(i).padStart(5, "0")}`;
  const serialLine = new RegExp(`^${SERIAL_OID.replaceAll(".", "\\.")}\\|4\\|.*$`, "m");
  text = serialLine.test(text) ? text.replace(serialLine, `${SERIAL_OID}|4|${serial}`) : text;
  text = text.replace(MAC_OID, (_m, oid: string) => `${oid}|4x|02dd${(i + 1).toString(16).padStart(8, "0")}`);
  return parseSnmprec(text, `${name}#${i}`);
}

/**
 * Starts `printers` simulated printers on 127.23.0.1... plus one switch
 * (not a printer) after them. Printer i answers after `latencyMs(i)`, so
 * that, as on a real network, a read pass takes a while and its readings
 * wait in the outbox one after the other.
 */
export async function startPrinterFleet(printers: number, opts: { base?: string; latencyMs?: (i: number) => number } = {}): Promise<PrinterFleet> {
  const base = opts.base ?? "127.23.0";
  const port = await freeUdpPort(`${base}.1`);
  const devices = Array.from({ length: printers }, (_, i) => ({
    address: `${base}.${i + 1}`,
    port,
    recording: printerRecording(i),
    latencyMs: opts.latencyMs?.(i) ?? 0,
  }));
  const switchRecording = parseSnmprec(readFileSync(join(repoRoot, "test/fixtures/snmprec/switch.snmprec"), "utf8"));
  devices.push({ address: `${base}.${printers + 1}`, port, recording: switchRecording, latencyMs: 0 });
  const fleet = await startFleet({ devices });
  return { fleet, port, targets: `${base}.1-${printers + 1}`, printers, stop: () => fleet.stop() };
}

/** A hub process with site "Acme" and one activated agent (not yet running). */
export interface AgentSite {
  readonly hub: HubProcess;
  readonly dataDir: string;
  readonly stateDir: string;
  readonly agentId: string;
  /** Starts the hub again on the same port and data (after stop() or kill9()). */
  restartHub(): Promise<HubProcess>;
  /** `dca run` for this agent; remembered so close() ends it. */
  startAgent(): AgentProcess;
  /** Ends the hub and every agent started here (kill -9 if still running). */
  close(): Promise<void>;
}

/**
 * Creates the site (targets = the fleet, schedule read 1 s / poll 1 s),
 * runs `siteArgs` (more admin commands, e.g. ["site", "set-outbox", ...]),
 * then activates an agent whose state is `<root>/agent`.
 */
export async function startAgentSite(root: string, fleet: PrinterFleet, siteArgs: string[][] = []): Promise<AgentSite> {
  const dataDir = join(root, "hub");
  const stateDir = join(root, "agent");
  mkdirSync(root, { recursive: true });
  const port = await freePort();
  let hub = await startHubProcess(dataDir, port);
  const agents: AgentProcess[] = [];
  const close = async () => {
    for (const a of agents) if (a.proc.exitCode === null && a.proc.signalCode === null) await a.kill9();
    if (hub.proc.exitCode === null && hub.proc.signalCode === null) await hub.kill9();
  };
  try {
    await hub.must("site", "create", "Acme");
    await hub.must("site", "set-targets", "Acme", fleet.targets);
    await hub.must("site", "set-snmp", "Acme", "--port", String(fleet.port), "--timeout", "500ms");
    await hub.must("site", "set-schedule", "Acme", "--read", "1s", "--poll", "1s", "--discovery", "8h");
    for (const a of siteArgs) await hub.must(...a);
    const code = (JSON.parse(await hub.must("code", "create", "Acme", "--json")) as { code: string }).code;
    const act = await activateAgent(hub, stateDir, code);
    if (act.exitCode !== 0) throw new Error(`dca activate failed (${act.exitCode}): ${act.stderr}`);
    const listed = JSON.parse(await hub.must("agent", "list", "--json")) as { id: string }[];
    if (listed.length !== 1) throw new Error(`expected one agent at the hub, found ${listed.length}`);
    return {
      get hub() {
        return hub;
      },
      dataDir,
      stateDir,
      agentId: listed[0]!.id,
      async restartHub() {
        hub = await startHubProcess(dataDir, port);
        return hub;
      },
      startAgent() {
        const a = startAgentProcess(stateDir);
        agents.push(a);
        return a;
      },
      close,
    };
  } catch (e) {
    await close();
    throw e;
  }
}

/**
 * Opens `path` read-only and runs `fn`, retrying for a while when the
 * owner holds it busy: a process opening it after a kill -9 recovers its
 * WAL first (SQLITE_BUSY_RECOVERY, which the busy timeout does not cover).
 */
function readDatabase<T>(path: string, fn: (db: Database) => T): T {
  const end = Date.now() + 10_000;
  for (;;) {
    const db = new Database(path, { readonly: true });
    try {
      db.run("PRAGMA busy_timeout = 5000");
      return fn(db);
    } catch (e) {
      if (!String((e as { code?: string }).code).startsWith("SQLITE_BUSY") || Date.now() > end) throw e;
    } finally {
      db.close();
    }
    Bun.sleepSync(20);
  }
}

/** The agent's outbox at one moment (one SQLite read transaction). */
export interface OutboxLook {
  /** Readings waiting. */
  depth: number;
  /** The last seq ever given (0: none yet); every seq 1..lastSeq was a stored reading. */
  lastSeq: number;
  /** meta.dropped_total: readings the bounds dropped. */
  dropped: number;
  /** The waiting readings' seqs and ids, in seq order. */
  waiting: { seq: number; id: string }[];
}

/**
 * The agent's outbox as it is now, read-only (safe while the agent runs);
 * all zeros if the agent never got as far as creating it.
 */
export function lookAtOutbox(stateDir: string): OutboxLook {
  const path = join(stateDir, "outbox.db");
  if (!existsSync(path)) return { depth: 0, lastSeq: 0, dropped: 0, waiting: [] };
  return readDatabase(path, (db) =>
    db.transaction(() => {
      // A kill between creating the file and its schema leaves it empty.
      if (!db.query("SELECT 1 FROM sqlite_schema WHERE name = 'meta'").get()) return { depth: 0, lastSeq: 0, dropped: 0, waiting: [] };
      const waiting = db.query("SELECT seq, id FROM readings ORDER BY seq").all() as { seq: number; id: string }[];
      const last = db.query("SELECT seq FROM sqlite_sequence WHERE name = 'readings'").get() as { seq: number } | null;
      const dropped = db.query("SELECT value FROM meta WHERE key = 'dropped_total'").get() as { value: number };
      return { depth: waiting.length, lastSeq: last?.seq ?? 0, dropped: dropped.value, waiting };
    })(),
  );
}

/** One reading row at the hub, in the order the hub stored them (rowid). */
export interface HubRow {
  rowid: number;
  seq: number;
  id: string;
}

/** The readings the hub holds from `agentId`, in the order it stored them. */
export function hubReadings(dataDir: string, agentId: string): HubRow[] {
  return readDatabase(join(dataDir, "hub.db"), (db) => db.query("SELECT rowid, seq, id FROM readings WHERE agent_id = ? ORDER BY rowid").all(agentId) as HubRow[]);
}

/** How many readings the hub holds from `agentId` (cheap enough to poll every few ms). */
export function hubCount(dataDir: string, agentId: string): number {
  return readDatabase(join(dataDir, "hub.db"), (db) => (db.query("SELECT count(*) AS n FROM readings WHERE agent_id = ?").get(agentId) as { n: number }).n);
}

/** What reached the hub out of the seqs 1..lastSeq an outbox gave. */
export interface Delivery {
  /** Distinct seqs of 1..lastSeq at the hub. */
  delivered: number;
  /** Seqs in 1..lastSeq neither at the hub nor in `waiting` (nor dropped by the bounds). */
  lost: number[];
  /** Hub rows beyond the first for the same seq. */
  duplicated: number;
  /** Hub rows with a seq outside 1..lastSeq. */
  unknown: number[];
  /** True if the hub stored them in seq order (rowid order is seq order, strictly). */
  inOrder: boolean;
}

/**
 * Compares the hub's rows with the outbox: each seq 1..lastSeq must be at
 * the hub exactly once, or still waiting (`waiting`), or among `dropped`.
 */
export function checkDelivery(rows: readonly HubRow[], lastSeq: number, waiting: Iterable<number> = [], dropped: Iterable<number> = []): Delivery {
  const seen = new Set<number>();
  let duplicated = 0;
  const unknown: number[] = [];
  let inOrder = true;
  let prev = 0;
  for (const r of rows) {
    if (r.seq < 1 || r.seq > lastSeq) unknown.push(r.seq);
    else if (seen.has(r.seq)) duplicated++;
    else seen.add(r.seq);
    if (r.seq <= prev) inOrder = false;
    prev = r.seq;
  }
  const accounted = new Set([...waiting, ...dropped]);
  const lost: number[] = [];
  for (let s = 1; s <= lastSeq; s++) if (!seen.has(s) && !accounted.has(s)) lost.push(s);
  return { delivered: seen.size, lost, duplicated, unknown, inOrder };
}
