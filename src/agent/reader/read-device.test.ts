import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { type Fleet, startFleet } from "../../../test/sim/fleet.ts";
import { repoRoot } from "../../../test/support/shared-dir.ts";
import { readDeviceDetailed } from "./read-device.ts";
import { secret } from "../../common/secret.ts";

const RICOH = readFileSync(join(repoRoot, "test/fixtures/profiles/ricoh-mp-c3004.snmprec"), "utf8");
const PRINT_MONO = "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9.8";
// The same device after its print-mono meter stopped answering.
const RICOH_LATER = RICOH.split("\n").filter((l) => !l.startsWith(`${PRINT_MONO}|`)).join("\n");
// Printer-MIB rows under hrDeviceIndex 0 (seen on HP Jetdirect firmware), no hrDeviceTable.
const INDEX_ZERO = [
  "1.3.6.1.2.1.1.1.0|4|Example LaserPrinter 200",
  "1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.32473.9",
  "1.3.6.1.2.1.43.5.1.1.17.0|4|ZERO0001",
  "1.3.6.1.2.1.43.10.2.1.4.0.1|65|5150",
  "1.3.6.1.2.1.43.11.1.1.6.0.1|4|Black Cartridge",
  "1.3.6.1.2.1.43.11.1.1.8.0.1|2|100",
  "1.3.6.1.2.1.43.11.1.1.9.0.1|2|42",
].join("\n");

let dir: string;
let fleet: Fleet;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "read-device-"));
  const files = { "ricoh-now": RICOH, "ricoh-later": RICOH_LATER, "index-zero": INDEX_ZERO };
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, `${name}.snmprec`), `${text.trim()}\n`);
  fleet = await startFleet({ dataDir: { address: "127.0.0.1", recordings: Object.keys(files).map((n) => join(dir, `${n}.snmprec`)) } });
});
afterAll(async () => {
  await fleet?.stop();
  rmSync(dir, { recursive: true, force: true });
});

const read = (community: string, learned?: readonly string[]) =>
  readDeviceDetailed({
    target: { host: "127.0.0.1", port: fleet.dataDir!.port, timeoutMs: 1000, retries: 0 },
    credentials: [{ name: "test", version: "v2c", community: secret(community) }],
    learned,
  });

describe("readDeviceDetailed", () => {
  test("a walk learns the vendor OIDs that held data; reading them back by GET gives the same meters", async () => {
    const first = await read("ricoh-now");
    expect(first.learned).toContain(PRINT_MONO);
    expect(first.learned).toContain("1.3.6.1.4.1.367.3.2.1.2.19.5.1.2.8");
    expect(first.learned.every((o) => o.startsWith("1.3.6.1.4.1.367."))).toBe(true);
    const again = await read("ricoh-now", first.learned);
    const key = (r: typeof first) => r.reading.counters.map((c) => `${c.oid}=${c.value}`).sort();
    expect(key(again)).toEqual(key(first));
    expect(again.reading.problems).toEqual([]);
    expect(again.learned).toEqual(first.learned);
  });

  test("a learned meter that no longer answers is a problem, never a 0 counter", async () => {
    const { learned } = await read("ricoh-now");
    const later = await read("ricoh-later", learned);
    expect(later.reading.counters.find((c) => c.oid === PRINT_MONO)).toBeUndefined();
    expect(later.reading.counters.some((c) => c.kind === CounterKind.PRINT_MONO)).toBe(false);
    const p = later.reading.problems.find((x) => x.oid === PRINT_MONO);
    expect(p?.message).toBe(`meter ${PRINT_MONO} answered by the walk is missing now`);
    // The other meters still read.
    expect(later.reading.counters.find((c) => c.kind === CounterKind.PRINT)?.value).toBe(144755n);
  });

  test("Printer-MIB rows under index 0 read right", async () => {
    const { reading } = await read("index-zero");
    expect(reading.serialNumber).toBe("ZERO0001");
    expect(reading.counters.find((c) => c.oid === "1.3.6.1.2.1.43.10.2.1.4.0.1")?.value).toBe(5150n);
    const toner = reading.supplies.find((s) => s.description === "Black Cartridge");
    expect(toner?.percent).toBe(42);
  });
});
