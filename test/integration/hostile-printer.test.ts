/**
 * A hostile or broken printer against the read path (issue 11, item 10):
 * replies from another port or address, GETNEXT/GETBULK answered with the
 * requested OID, OID arcs beyond 32 bits in a name and in a value, levels
 * and meters no SNMP type or RFC 3805 allows. Each must end as a ReadProblem
 * or a refused read, never as a silently wrong meter, on v2c (our client)
 * AND on v3 (net-snmp, held by net-snmp-guard.ts). Served by the fleet
 * simulator on loopback (hostile modes and test/fixtures/hostile); the last
 * block runs `dca read --json` as a process (the shipped binary under
 * `npm run test:binary`).
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import { CounterKind, type DeviceReading } from "../../src/gen/dca/v1/reading_pb.ts";
import { readDevice } from "../../src/agent/reader/read-device.ts";
import type { Credential } from "../../src/common/credential.ts";
import { secret } from "../../src/common/secret.ts";
import { type Fleet, type HostileMode, startFleet } from "../sim/fleet.ts";
import { dcaCommand } from "../support/dca-cli.ts";
import { repoRoot } from "../support/shared-dir.ts";

const MONO = join(repoRoot, "test/fixtures/snmprec/mono-laser.snmprec");
const HUGE_ARC = join(repoRoot, "test/fixtures/hostile/huge-arc.snmprec");
const OUT_OF_RANGE = join(repoRoot, "test/fixtures/hostile/out-of-range.snmprec");
const MARKER = "1.3.6.1.2.1.43.10.2.1";
const SUPPLIES = "1.3.6.1.2.1.43.11.1.1";
const HR_DEVICE = "1.3.6.1.2.1.25.3.2.1";
const USER = { name: "ops", authProtocol: "sha256", authKey: "auth-pass-1", privProtocol: "aes128", privKey: "priv-pass-1" } as const;

const CREDENTIALS: Record<string, Credential> = {
  v2c: { name: "lan", version: "v2c", community: secret("public") },
  v3: { name: "v3-ops", version: "v3", user: "ops", auth: { protocol: "sha256", password: secret("auth-pass-1") }, priv: { protocol: "aes128", password: secret("priv-pass-1") } },
};

const DEVICES: { address: string; recording: string; hostile?: HostileMode[] }[] = [
  { address: "127.79.0.1", recording: MONO, hostile: ["wrong-port"] },
  { address: "127.79.0.2", recording: MONO, hostile: ["wrong-address"] },
  { address: "127.79.0.3", recording: MONO, hostile: ["echo"] },
  { address: "127.79.0.4", recording: HUGE_ARC },
  { address: "127.79.0.5", recording: OUT_OF_RANGE },
];
let fleet: Fleet;

beforeAll(async () => {
  fleet = await startFleet({ devices: DEVICES.map((d) => ({ ...d, v3Users: [USER] })) });
});
afterAll(() => fleet?.stop());

const port = (address: string) => fleet.devices.find((d) => d.address === address)!.port;

function read(address: string, version: string): Promise<DeviceReading> {
  return readDevice({ target: { host: address, port: port(address), timeoutMs: 300, retries: 0 }, credentials: [CREDENTIALS[version]!] });
}

/** "section oid message" of every problem, for one readable assertion per case. */
const problems = (r: { problems: readonly { section: string; oid: string; message: string }[] }) => r.problems.map((p) => `${p.section} ${p.oid} ${p.message}`);
const counters = (r: DeviceReading) => r.counters.map((c) => `${c.oid}=${c.value}`);

for (const version of ["v2c", "v3"]) {
  describe(`a hostile printer read over ${version}`, () => {
    for (const [mode, address] of [["wrong-port", "127.79.0.1"], ["wrong-address", "127.79.0.2"]] as const) {
      test(`${mode}: a reply from another source is dropped, counted and never read`, async () => {
        const err = await read(address, version).then(
          (r) => `read: ${counters(r)}`,
          (e: Error) => e.message,
        );
        expect(err).toContain("did not answer SNMP");
        expect(err).toMatch(/no response \(timed out\) \(\d+ datagram\(s\) from another address or port were dropped\)/);
      });
    }

    test("echo: every walked table is an agent loop, not an empty table", async () => {
      const r = await read("127.79.0.3", version);
      expect(r.counters).toEqual([]);
      expect(r.supplies).toEqual([]);
      for (const [section, root] of [["counters", MARKER], ["supplies", SUPPLIES], ["host-resources", HR_DEVICE]]) {
        expect(problems(r)).toContain(`${section} ${root} agent loop: asked for what follows ${root}, the agent answered ${root} itself`);
      }
    });

    test("an OID arc of 2^70 in a name or a value is unreadable: problems, and no meter from it", async () => {
      const r = await read("127.79.0.4", version);
      // The row named prtMarkerLifeCount.1.<2^70 + 2> = 99999 would have been marker 2's meter.
      expect(counters(r)).toEqual([`${MARKER}.4.1.1=123456`]);
      expect(r.counters[0]!.kind).toBe(CounterKind.TOTAL);
      expect(problems(r)).toContain(`counters ${MARKER} request failed: unreadable response: OID arc exceeds 32 bits`);
      expect(problems(r).find((p) => p.startsWith(`host-resources ${HR_DEVICE} request failed: unreadable response`))).toContain("OID arc exceeds 32 bits");
    });

    test("levels -2^31 and 2^46, a capacity of 2^46 and meters of -5 and 2^32 + 789 are problems, never values", async () => {
      const r = await read("127.79.0.5", version);
      expect(problems(r)).toEqual([
        `counters ${MARKER}.4.1.2 value did not decode (unreadable response: unsigned value 4294968085 exceeds 32 bits); skipped`,
        `counters ${MARKER}.5.1.1 prtMarkerPowerOnCount (marker 1): -5 is negative; not a meter`,
        `supplies ${SUPPLIES}.9.1.1 prtMarkerSuppliesLevel: -2147483648 is below -3, which RFC 3805 does not define; not used`,
        `supplies ${SUPPLIES}.9.1.2 prtMarkerSuppliesLevel: INTEGER 70368744177664 is outside Integer32; not used`,
        `supplies ${SUPPLIES}.8.1.4 prtMarkerSuppliesMaxCapacity: INTEGER 70368744177664 is outside Integer32; not used`,
      ]);
      expect(counters(r)).toEqual([`${MARKER}.4.1.1=123456`]);
      const [black, drum, , fuser] = r.supplies;
      expect([black!.level, black!.percent, drum!.level, drum!.percent, fuser!.maxCapacity]).toEqual([undefined, undefined, undefined, undefined, undefined]);
    });
  });
}

describe("dca read --json against a hostile printer (DCA_BIN: the shipped binary under test:binary)", () => {
  async function dca(...args: string[]) {
    const proc = Bun.spawn([...dcaCommand().argv, "read", ...args, "--timeout", "300ms", "--retries", "0", "--json"], { cwd: repoRoot, stdout: "pipe", stderr: "pipe" });
    const [stdout, stderr, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
    return { stdout, stderr, code };
  }
  const v3 = ["--v3-user", "ops", "--v3-auth", "sha256:auth-pass-1", "--v3-priv", "aes128:priv-pass-1"];

  test("over v3, levels and meters out of range are problems in the JSON, and no wrong meter is printed", async () => {
    const r = await dca(`127.79.0.5:${port("127.79.0.5")}`, ...v3);
    expect(r.code).toBe(0);
    const reading = JSON.parse(r.stdout);
    expect(reading.counters.map((c: { oid: string; value: string }) => `${c.oid}=${c.value}`)).toEqual([`${MARKER}.4.1.1=123456`]);
    expect(problems(reading)).toContain(`supplies ${SUPPLIES}.9.1.2 prtMarkerSuppliesLevel: INTEGER 70368744177664 is outside Integer32; not used`);
    expect(problems(reading)).toContain(`counters ${MARKER}.4.1.2 value did not decode (unreadable response: unsigned value 4294968085 exceeds 32 bits); skipped`);
  });

  test("over v3, a 2^70 arc in a name is a problem (the binary's net-snmp decodes strictly too)", async () => {
    const r = await dca(`127.79.0.4:${port("127.79.0.4")}`, ...v3);
    expect(r.code).toBe(0);
    const reading = JSON.parse(r.stdout);
    expect(reading.counters.map((c: { oid: string }) => c.oid)).toEqual([`${MARKER}.4.1.1`]);
    expect(problems(reading)).toContain(`counters ${MARKER} request failed: unreadable response: OID arc exceeds 32 bits`);
  });

  test("over v2c, an echoing agent gives agent-loop problems and no counters", async () => {
    const r = await dca(`127.79.0.3:${port("127.79.0.3")}`, "--community", "public");
    expect(r.code).toBe(0);
    const reading = JSON.parse(r.stdout);
    expect(reading.counters ?? []).toEqual([]);
    expect(problems(reading)).toContain(`counters ${MARKER} agent loop: asked for what follows ${MARKER}, the agent answered ${MARKER} itself`);
  });

  test("over v3, replies from another port are not taken: the read fails plainly", async () => {
    const r = await dca(`127.79.0.1:${port("127.79.0.1")}`, ...v3);
    expect(r.code).not.toBe(0);
    expect(r.stdout).toBe("");
    expect(r.stderr).toContain("from another address or port were dropped");
    expect(r.stderr).not.toContain("    at ");
  });
});
