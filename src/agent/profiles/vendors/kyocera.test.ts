/**
 * The Kyocera counter page is billed from its printed total, which the device
 * keeps as the sum of printer, copy and fax pages. The profile's per-function
 * meters must add up to that total when read from a recording over SNMP, or
 * one of them is the wrong meter.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Counter, CounterKind, type DeviceReading } from "../../../gen/dca/v1/reading_pb.ts";
import { type Fleet, startFleet } from "../../../../test/sim/fleet.ts";
import { repoRoot } from "../../../../test/support/shared-dir.ts";
import { readDevice } from "../../reader/read-device.ts";
import { kyocera } from "./kyocera.ts";
import { secret } from "../../../common/secret.ts";

/** The meters whose sum is the printed total: every function, every colour mode. */
const PRINTED = new Set([
  CounterKind.PRINT_MONO,
  CounterKind.PRINT_COLOR,
  CounterKind.COPY_MONO,
  CounterKind.COPY_COLOR,
  CounterKind.FAX_MONO,
  CounterKind.FAX_COLOR,
]);
const PROFILE_TOTAL = kyocera.counters?.find((c) => c.kind === CounterKind.TOTAL)?.oid ?? "";
const PROFILE_PARTS = new Set((kyocera.counters ?? []).filter((c) => PRINTED.has(c.kind)).map((c) => c.oid));

const FIXTURES = join(repoRoot, "test/fixtures/profiles");
const RECORDINGS = ["kyocera-taskalfa-3253ci", "utax-cd1430"];
// A device whose copy meter is one page ahead of its total: the check must see it.
const COPY_MONO_OID = (kyocera.counters ?? []).find((c) => c.kind === CounterKind.COPY_MONO)?.oid ?? "";

let dir: string;
let fleet: Fleet;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "kyocera-"));
  for (const name of RECORDINGS) writeFileSync(join(dir, `${name}.snmprec`), readFileSync(join(FIXTURES, `${name}.snmprec`)));
  const skewed = readFileSync(join(FIXTURES, "kyocera-taskalfa-3253ci.snmprec"), "utf8")
    .split("\n")
    .map((l) => (l.startsWith(`${COPY_MONO_OID}|`) ? l.replace(/\|(\d+)$/, (_, n) => `|${Number(n) + 1}`) : l))
    .join("\n");
  writeFileSync(join(dir, "skewed.snmprec"), skewed);
  const recordings = [...RECORDINGS, "skewed"].map((n) => join(dir, `${n}.snmprec`));
  fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings } });
});
afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const read = (community: string) =>
  readDevice({
    target: { host: "127.0.0.1", port: fleet.dataDir!.port, timeoutMs: 1000, retries: 0 },
    credentials: [{ name: "fixture", version: "v2c", community: secret(community) }],
  });

function split(reading: DeviceReading): { total: Counter | undefined; parts: Counter[] } {
  return {
    total: reading.counters.find((c) => c.oid === PROFILE_TOTAL),
    parts: reading.counters.filter((c) => PROFILE_PARTS.has(c.oid)),
  };
}

const sum = (cs: Counter[]) => cs.reduce((a, c) => a + c.value, 0n);

describe("kyocera printed total", () => {
  test("the profile names a total and printer, copy and fax meters", () => {
    const kinds = new Set((kyocera.counters ?? []).filter((c) => PROFILE_PARTS.has(c.oid)).map((c) => c.kind));
    expect(PROFILE_TOTAL).not.toBe("");
    for (const k of [CounterKind.PRINT_MONO, CounterKind.COPY_MONO, CounterKind.FAX_MONO]) expect(kinds.has(k)).toBe(true);
  });

  for (const name of RECORDINGS) {
    test(`${name}: printer + copy + fax equals the device's printed total`, async () => {
      const reading = await read(name);
      const { total, parts } = split(reading);
      expect(total).toBeDefined();
      expect(parts.length).toBeGreaterThanOrEqual(3);
      expect(sum(parts)).toBe(total!.value);
      // The Printer-MIB life count includes pages the counter page does not bill,
      // so it is not the number to compare with.
      const life = reading.counters.find((c) => c.oid === "1.3.6.1.2.1.43.10.2.1.4.1.1");
      expect(life?.value).not.toBe(total!.value);
    });
  }

  test("a meter that disagrees with the total is caught", async () => {
    const { total, parts } = split(await read("skewed"));
    expect(sum(parts)).toBe(total!.value + 1n);
  });
});
