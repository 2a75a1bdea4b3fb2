import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { adminRun } from "../../../test/support/admin-run.ts";
import { testClock } from "../../../test/support/hub-store-fixtures.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { METER_CSV_COLUMNS } from "../billing/index.ts";
import { AFTER_FIXTURE_MS, billingFleet } from "../billing/testdata/billing-fleet.ts";

const h = adminHarness({ clock: testClock(AFTER_FIXTURE_MS) });
billingFleet(h.store);
const { run, runWith } = adminRun(h);
const MARCH = ["--from", "2026-03-01", "--to", "2026-04-01"];

describe("dca-hub meters export", () => {
  test("CSV on stdout: the header and one line per device and counter, estimates marked", async () => {
    const r = await run("meters", "export", ...MARCH);
    expect(r).toMatchObject({ code: 0, err: "" });
    const lines = r.out.split("\r\n");
    expect(lines[0]).toBe(METER_CSV_COLUMNS.join(","));
    // One line per row and a final CRLF; serials in column 4 (D and E share an address, so sorted here).
    expect(lines).toHaveLength(10);
    expect(lines.at(-1)).toBe("");
    expect(lines.slice(1, -1).map((l) => l.split(",")[3]).sort()).toEqual(["SN-A", "SN-A", "SN-B", "SN-C", "SN-D", "SN-E", "SN-H", "SN-X"]);
    const b = lines.find((l) => l.includes(",SN-B,"))!.split(",");
    const col = (name: (typeof METER_CSV_COLUMNS)[number]) => b[METER_CSV_COLUMNS.indexOf(name)];
    expect([col("counter"), col("start"), col("start_estimated"), col("end"), col("difference")]).toEqual(["total", "5100", "true", "8240", "3140"]);
    expect(col("start_method")).toBe("interpolated between readings of 2026-02-28 12:00:00Z and 2026-03-02 12:00:00Z");
  });

  test("JSON for one site, and a file with --out and a summary", async () => {
    const json = await run("meters", "export", ...MARCH, "--site", "Bravo", "--format", "json");
    expect(json.code).toBe(0);
    const doc = JSON.parse(json.out);
    expect(doc.period).toEqual({ start: "2026-03-01T00:00:00.000Z", end: "2026-04-01T00:00:00.000Z" });
    expect(doc.rows.map((r: { serialNumber: string; difference: string }) => [r.serialNumber, r.difference])).toEqual([["SN-X", "30"]]);
    expect(JSON.parse((await run("meters", "export", ...MARCH, "--site", "Bravo", "--json")).out)).toEqual(doc);

    const file = join(tempDir("dca-meters-"), "march.csv");
    const r = await run("meters", "export", ...MARCH, "--out", file);
    expect(r).toEqual({ code: 0, out: `wrote 8 meters of 7 devices to ${file} (4 estimated, 1 with a reset: see their notes)\n`, err: "" });
    expect(readFileSync(file, "utf8")).toBe((await run("meters", "export", ...MARCH)).out);
  });

  test("usage errors and refusals say what to do", async () => {
    expect(await run("meters", "export", "--to", "2026-04-01")).toMatchObject({ code: 2, err: expect.stringContaining("--from is required") });
    expect(await run("meters", "export", "--from", "March", "--to", "2026-04-01")).toMatchObject({ code: 2, err: expect.stringContaining('--from must be a date such as 2026-03-01') });
    expect(await run("meters", "export", "--from", "2026-04-01", "--to", "2026-03-01")).toMatchObject({ code: 2, err: expect.stringContaining("--from must be before --to") });
    expect(await run("meters", "export", ...MARCH, "--format", "xlsx")).toMatchObject({ code: 2, err: expect.stringContaining("--format must be csv or json") });
    expect(await run("meters", "export", "--from", "2025-01-01", "--to", "2026-04-01")).toMatchObject({ code: 2, err: expect.stringContaining("at most 366 days") });
    expect(await run("meters", "export", ...MARCH, "--out", "/nonexistent/dir/m.csv")).toMatchObject({ code: 1, err: expect.stringContaining("cannot write /nonexistent/dir/m.csv (ENOENT)") });
    const billing = h.as("billing", "Acme");
    expect(await runWith({ api: billing }, "meters", "export", ...MARCH, "--site", "Bravo")).toMatchObject({ code: 1, err: expect.stringContaining("may not read the meters") });
  });
});
