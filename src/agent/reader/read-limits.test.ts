/**
 * readDevice against hostile devices of the fleet simulator (issue 11 item 9),
 * over real UDP on loopback, v2c through our client and v3 through net-snmp:
 * each read ends, bounded, and its reading names the limit that ended it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { join } from "node:path";
import type { DeviceReading } from "../../gen/dca/v1/reading_pb.ts";
import { type Fleet, type HostileMode, startFleet } from "../../../test/sim/fleet.ts";
import type { Credential } from "../../common/credential.ts";
import { secret } from "../../common/secret.ts";
import { type ReadLimits, readDevice } from "./read-device.ts";

const RECORDING = join(import.meta.dir, "../../../test/fixtures/snmprec/color-mfp.snmprec");
const V3: Credential = { name: "v3", version: "v3", user: "ops", auth: { protocol: "sha256", password: secret("authpass123") } };
const V2C: Credential = { name: "v2c", version: "v2c", community: secret("public") };
const MODES: Record<string, HostileMode[]> = { longer: ["longer-oids"], endless: ["endless"], stall: ["slow-walks", "endless"], slow: ["slow", "endless"] };

let fleet: Fleet;
const where = (name: string) => fleet.devices.find((d) => d.address === `127.0.33.${Object.keys(MODES).indexOf(name) + 1}`)!;

beforeAll(async () => {
  fleet = await startFleet({
    devices: Object.values(MODES).map((hostile, i) => ({
      address: `127.0.33.${i + 1}`,
      recording: RECORDING,
      hostile,
      v3Users: [{ name: "ops", authProtocol: "sha256", authKey: "authpass123" }],
    })),
  });
});
afterAll(() => fleet.stop());

function read(name: string, cred: Credential, limits?: Partial<ReadLimits>, timeoutMs = 1000): Promise<DeviceReading> {
  const d = where(name);
  return readDevice({ target: { host: d.address, port: d.port, timeoutMs, retries: 0 }, credentials: [cred], limits });
}

const messages = (r: DeviceReading) => r.problems.map((p) => `${p.section}: ${p.message}`);

describe("a hostile device's read is bounded", () => {
  for (const cred of [V2C, V3]) {
    test(`${cred.version}: ever-longer OIDs stop at 128 sub-identifiers`, async () => {
      const r = await read("longer", cred);
      expect(messages(r).some((m) => m.includes("OID longer than 128 sub-identifiers"))).toBe(true);
      // About 118 rows per walk before the refusal, never thousands of requests.
      expect(r.requestCount).toBeLessThan(1000);
      expect(r.counters).toEqual([]);
    });

    test(`${cred.version}: a table that never ends stops at the byte budget, then at the request budget`, async () => {
      const bytes = await read("endless", cred, { maxBytes: 200_000 });
      expect(messages(bytes)).toContain("read: read stopped at its limit of 0.2 MiB of values per device; the values read before it are kept, the rest of this device's data is missing");
      // Each table the limit cut short says so too.
      expect(messages(bytes).filter((m) => m.startsWith("supplies: read stopped")).length).toBeGreaterThan(0);
      const requests = await read("endless", cred, { maxRequests: 40 });
      expect(messages(requests)).toContain("read: read stopped at its limit of 40 requests per device; the values read before it are kept, the rest of this device's data is missing");
      expect(requests.requestCount).toBeLessThanOrEqual(41);
    });
  }

  test("a device slow on every walk: the read ends at its deadline, with what it had", async () => {
    const t0 = performance.now();
    const r = await read("stall", V2C, { deadlineMs: 1500 }, 700);
    const took = performance.now() - t0;
    expect(took).toBeGreaterThan(1400);
    expect(took).toBeLessThan(3000);
    expect(messages(r)).toContain("read: read stopped at its limit of 1.5 s per device (snmp.readDeadline); the values read before it are kept, the rest of this device's data is missing");
    expect(r.sysDescr).toContain("EX-C300");
  });

  test("v3: a device slow on every request, with endless tables: the read ends at its deadline", async () => {
    const t0 = performance.now();
    const r = await read("slow", V3, { deadlineMs: 2500 }, 1000);
    expect(performance.now() - t0).toBeLessThan(4000);
    expect(messages(r)).toContain("read: read stopped at its limit of 2.5 s per device (snmp.readDeadline); the values read before it are kept, the rest of this device's data is missing");
  });

  test("the deadline is at least two full waits of a request, whatever is configured", async () => {
    const t0 = performance.now();
    const r = await read("stall", V2C, { deadlineMs: 100 }, 700);
    expect(performance.now() - t0).toBeGreaterThan(1300);
    expect(messages(r)).toContain("read: read stopped at its limit of 1.4 s per device (snmp.readDeadline); the values read before it are kept, the rest of this device's data is missing");
  });

  test("a deadline reached before any credential answered fails the read in one line, at the deadline", async () => {
    const d = where("longer");
    const wrong = (n: number): Credential => ({ name: `c${n}`, version: "v2c", community: secret(`wrong${n}`) });
    const t0 = performance.now();
    const failed = await readDevice({
      target: { host: d.address, port: d.port, timeoutMs: 600, retries: 0 },
      credentials: [wrong(1), wrong(2), wrong(3), wrong(4)],
      limits: { deadlineMs: 2000 },
    }).catch((e: Error) => e);
    // The fourth credential's request is cut at 2 s, not waited for until 2.4 s.
    expect(performance.now() - t0).toBeLessThan(2300);
    const timedOut = (n: number) => `c${n}: no response (timed out)`;
    expect(String((failed as Error).message)).toBe(
      `${d.address}:${d.port}: read stopped at its limit of 2 s per device (snmp.readDeadline) before any credential was answered (${[1, 2, 3].map(timedOut).join(", ")}, c4 tried); check the device, or allow a longer snmp.readDeadline`,
    );
  });
});
