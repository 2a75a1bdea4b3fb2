/**
 * `overview`, `device list` with its filters and pages, and `device show`,
 * as clients of AdminService on the fleet of test/support/fleet-views-fixture.ts:
 * what they print for the owner and for a site's viewer, and their usage errors.
 */
import { describe, expect, test } from "bun:test";
import { adminRun } from "../../../test/support/admin-run.ts";
import { fleetViewsFixture } from "../../../test/support/fleet-views-fixture.ts";

const f = fleetViewsFixture();
const { run, runWith } = adminRun(f, { api: f.api });

describe("overview", () => {
  test("a line per site and the total; a search lists matching sites and devices", async () => {
    expect(await run("overview")).toEqual({
      code: 0,
      err: "",
      out: [
        "SITE   DEVICES  ONLINE  MISSED  ERROR  WARNING  SUPPLY LOW  FLAGGED  AGENTS  OFFLINE  OUTBOX  LAST READ",
        "North  4        3       1       1      1        2           1        2       1        12      2026-03-10 11:00:00Z (60m ago)",
        "South  1        1       0       0      0        0           0        1       0        0       2026-03-10 11:30:00Z (30m ago)",
        "(all)  5        4       1       1      1        2           1        3       1        12      2026-03-10 11:30:00Z (30m ago)",
        "missed: not read for 1d; offline: no poll for 15m; supply low: at or below 10 %, or low/empty",
        "",
      ].join("\n"),
    });
    const found = await run("overview", "--search", "sou");
    expect(found.out).toContain('\nsites matching "sou": South\ndevices matching "sou": 0\n');
    const json = JSON.parse((await run("overview", "--search", "N-003", "--json")).out);
    expect(json.matchingDevices.map((d: { serialNumber: string }) => d.serialNumber)).toEqual(["N-003"]);
    expect(json.sites[0]).toMatchObject({ siteName: "North", devicesMissed: 1, suppliesLow: 2 });
  });

  test("a billing user of North sees North, without agents", async () => {
    const r = await runWith({ api: f.as("billing", "North") }, "overview");
    expect(r.out.split("\n").slice(0, 2)).toEqual([
      "SITE   DEVICES  ONLINE  MISSED  ERROR  WARNING  SUPPLY LOW  FLAGGED  AGENTS  OFFLINE  OUTBOX  LAST READ",
      "North  4        3       1       1      1        2           1        -       -        -       2026-03-10 11:00:00Z (60m ago)",
    ]);
    expect(r.out).not.toContain("South");
  });
});

describe("device list with filters, sort and pages", () => {
  const serials = (out: string) => [...out.matchAll(/\s([NS]-00\d)\s/g)].map((m) => m[1]);

  test("filters, a descending sort, a page and its footer", async () => {
    expect(serials((await run("device", "list", "--vendor", "hp")).out)).toEqual(["N-001", "N-002", "S-001"]);
    expect(serials((await run("device", "list", "--status", "error")).out)).toEqual(["N-003"]);
    expect(serials((await run("device", "list", "--supply-below", "10%")).out)).toEqual(["N-002"]);
    expect(serials((await run("device", "list", "--search", "10.0.0.1")).out)).toEqual(["N-002", "N-003"]);
    const page = await run("device", "list", "--sort", "-pages", "--page", "2", "--page-size", "2");
    expect(serials(page.out)).toEqual(["N-001", "N-003"]);
    expect(page.out.endsWith("devices 3-4 of 5 (page 2 of 3)\n")).toBe(true);
    expect((await run("device", "list", "--page", "9")).out).toBe("no devices on page 9 (5 in all)\n");
    expect((await run("device", "list", "--model", "nothing")).out).toBe("no devices match\n");
    const json = JSON.parse((await run("device", "list", "--sort", "serial", "--page-size", "1", "--json")).out);
    expect(json.map((d: { serialNumber: string }) => d.serialNumber)).toEqual(["N-001"]);
    expect(serials((await runWith({ api: f.as("viewer", "South") }, "device", "list", "--vendor", "HP")).out)).toEqual(["S-001"]);
  });

  test("usage errors name what is allowed", async () => {
    expect(await run("device", "list", "--sort", "colour")).toMatchObject({ code: 2, err: expect.stringContaining('--sort must be one of site, vendor, model, serial, address, last-read, pages, supply, status, flags, mac (a leading - sorts descending), got "colour"') });
    expect(await run("device", "list", "--status", "bad")).toMatchObject({ code: 2, err: expect.stringContaining('--status must be ok, warning, error or unknown, got "bad"') });
    expect(await run("device", "list", "--supply-below", "200")).toMatchObject({ code: 2, err: expect.stringContaining("--supply-below must be a percent from 0 to 100") });
    expect(await run("device", "list", "--page-size", "501")).toMatchObject({ code: 2, err: expect.stringContaining("--page-size must be between 1 and 500") });
  });
});

describe("device show", () => {
  test("identity, addresses, supplies in words, counters with OIDs, flags, newest readings", async () => {
    const d1 = await run("device", "show", f.d.d1.id, "--readings", "2");
    expect(d1.out.split("\n").slice(0, 10)).toEqual([
      `Device     ${f.d.d1.id} (North)`,
      "Vendor     HP",
      "Model      LaserJet M507",
      "Serial     N-001",
      "MAC        AA:BB:CC:00:00:01",
      "Firmware   2409081_001000",
      "Address    10.0.0.9",
      "Last read  2026-03-09 13:00:00Z (23h ago)",
      "Status     running, idle",
      "Readings   3",
    ]);
    expect(d1.out).toContain("Addresses:\nADDRESS   FIRST SEEN            LAST SEEN             READINGS\n10.0.0.5  2026-03-07 13:00:00Z  2026-03-07 13:00:00Z  1\n10.0.0.9  2026-03-08 13:00:00Z  2026-03-09 13:00:00Z  2\n");
    expect(d1.out).toContain("mono                1100   impressions  1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0\n");
    expect(d1.out).toContain("Black Toner  toner cartridge  550    1000  55%      ok     1.3.6.1.2.1.43.11.1.1.9.1.1\n");
    expect(d1.out.match(/d1-r\d/g)).toEqual(["d1-r3", "d1-r2"]);
    const d2 = await run("device", "show", f.d.d2.id);
    expect(d2.out).toContain("Black Cartridge  toner cartridge  -3     1000  -        some remaining (level -3)  -\n");
    expect((await run("device", "show", f.d.d4.id)).out).toContain("Counter flags:\nAT                    COUNTER                   PREVIOUS  VALUE  REASON\n2026-03-10 11:00:00Z  total prtMarkerLifeCount  2000      1500   backwards\n");
    const json = JSON.parse((await run("device", "show", f.d.d2.id, "--json")).out);
    expect(json.supplies[1]).toMatchObject({ stateLabel: "some remaining (level -3)", attention: false, supply: { level: -3, state: "SUPPLY_STATE_SOME_REMAINING" } });
    expect(json.supplies[1].supply.percent).toBeUndefined();
    const refused = await runWith({ api: f.as("viewer", "South") }, "device", "show", f.d.d1.id);
    expect(refused.code).toBe(1);
    expect(refused.err).toMatch(/^dca-hub device show: permission denied: viewer\d+ may not see the devices of the site of device "dev_\w+" \(device\.read\); an owner or admin can grant a role that allows it\n$/);
  });
});
