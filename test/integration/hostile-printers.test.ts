/**
 * Hostile or broken printers (issue 11 item 9), against `dca read` and `dca scan` run as a
 * process (the shipped binary with DCA_BIN=build/out/dca, `npm run test:binary`): the fleet
 * simulator's hostile modes on loopback, a device answering ever-longer OIDs, tables that never
 * end, walks answered after 0.5 s. Each read stays within its memory and time, its reading
 * names the limit that ended it, and the honest printers of a scan are read while the
 * hostile ones are still going. Memory is the process's peak RSS, from /usr/bin/time.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type DeviceOptions, type Fleet, startFleet } from "../sim/fleet.ts";
import { repoRoot } from "../support/shared-dir.ts";
import { agentCommand, agentEnv, freeUdpPort } from "../support/service-peers.ts";
import { timedRun } from "../support/timed-run.ts";

const fixtures = join(repoRoot, "test/fixtures/snmprec");
/** Far below the 1.1 GB one ever-longer-OID device cost before, above the binary's ~60 MB and the sources under Bun. */
const MAX_RSS_MB = 250;
const STALLED = 36;
const LONGER = 4;
const HONEST = 8;

let tmp: string;
let fleet: Fleet;
let port: number;

/** `dca ARGS` under /usr/bin/time, each output line timed. */
const dca = (args: string[]) => timedRun([...agentCommand(), ...args], agentEnv(join(tmp, "state")));

const problems = (reading: { problems?: { section?: string; message: string }[] }) => (reading.problems ?? []).map((p) => `${p.section}: ${p.message}`);

beforeAll(async () => {
  tmp = mkdtempSync(join(tmpdir(), "dca-hostile-"));
  port = await freeUdpPort();
  const device = (address: string, hostile: DeviceOptions["hostile"], i = 0): DeviceOptions => ({
    address,
    port,
    recording: join(fixtures, i % 2 ? "mono-laser.snmprec" : "color-mfp.snmprec"),
    hostile,
  });
  fleet = await startFleet({
    devices: [
      device("127.34.0.1", ["longer-oids"]),
      device("127.34.0.2", ["slow-walks", "endless"]),
      // The scan: the stalled devices first in address order, so they take the read places first.
      ...Array.from({ length: STALLED }, (_, i) => device(`127.35.0.${i + 1}`, ["slow-walks", "endless"])),
      ...Array.from({ length: LONGER }, (_, i) => device(`127.35.0.${STALLED + i + 1}`, ["longer-oids"])),
      ...Array.from({ length: HONEST }, (_, i) => device(`127.35.0.${STALLED + LONGER + i + 1}`, [], i)),
    ],
  });
}, 30_000);

afterAll(async () => {
  await fleet?.stop();
  rmSync(tmp, { recursive: true, force: true });
});

describe("hostile printers", () => {
  test("dca read of a device answering ever-longer OIDs: bounded memory and time, the refusal in the reading", async () => {
    const run = await dca(["read", `127.34.0.1:${port}`, "--json"]);
    expect(run.exitCode).toBe(0);
    expect(run.maxRssMb).toBeLessThan(MAX_RSS_MB);
    expect(run.wallMs).toBeLessThan(15_000);
    const reading = JSON.parse(run.lines[0]!.text);
    expect(problems(reading)).toContain("printer-general: request failed: unreadable response: OID longer than 128 sub-identifiers");
    expect(Number(reading.requestCount)).toBeLessThan(1000);
  }, 60_000);

  test("dca read of a device slow on every walk of an endless table: ends at --read-deadline, naming it", async () => {
    const run = await dca(["read", `127.34.0.2:${port}`, "--json", "--read-deadline", "3s", "--timeout", "1s", "--retries", "0"]);
    expect(run.exitCode).toBe(0);
    expect(run.wallMs).toBeGreaterThan(3000);
    expect(run.wallMs).toBeLessThan(10_000);
    const reading = JSON.parse(run.lines[0]!.text);
    expect(problems(reading)).toContain(
      "read: read stopped at its limit of 3 s per device (snmp.readDeadline); the values read before it are kept, the rest of this device's data is missing",
    );
    expect(reading.sysDescr).toContain("EX-C300");
  }, 60_000);

  test("dca scan: honest printers among 36 stalled and 4 longer-OID devices are all read while the stalled ones run, the pass ends by the deadline", async () => {
    const deadlineS = 20;
    const run = await dca(["scan", "127.35.0.1-48", "--port", String(port), "--json", "--read-deadline", `${deadlineS}s`, "--timeout", "1s", "--retries", "0"]);
    const readings = run.lines.map((l) => ({ atMs: l.atMs, reading: JSON.parse(l.text) }));
    const byHost = (from: number, count: number) => readings.filter((r) => {
      const last = Number(String(r.reading.address).split(":")[0]!.split(".")[3]);
      return last >= from && last < from + count;
    });
    const stalled = byHost(1, STALLED);
    const longer = byHost(STALLED + 1, LONGER);
    const honest = byHost(STALLED + LONGER + 1, HONEST);
    expect(run.stderr).toContain(`${STALLED + LONGER + HONEST} printers read`);
    expect([stalled.length, longer.length, honest.length]).toEqual([STALLED, LONGER, HONEST]);
    for (const h of honest) expect(problems(h.reading)).toEqual([]);
    for (const h of honest) expect(h.reading.counters.length).toBeGreaterThan(0);
    for (const s of stalled) expect(problems(s.reading)).toContain(`read: read stopped at its limit of ${deadlineS} s per device (snmp.readDeadline); the values read before it are kept, the rest of this device's data is missing`);
    // The honest ones arrive while every stalled read is still going.
    const lastHonest = Math.max(...honest.map((h) => h.atMs));
    const firstStalled = Math.min(...stalled.map((s) => s.atMs));
    expect(lastHonest).toBeLessThan(firstStalled);
    // The last stalled reads started when the first ones turned slow (10 s): one deadline later, the pass ends.
    expect(run.wallMs).toBeLessThan((10 + deadlineS + 10) * 1000);
    expect(run.maxRssMb).toBeLessThan(MAX_RSS_MB);
  }, 120_000);
});
