/**
 * ListSites' summaries over the fleet views' fixture: each site's devices
 * and agents counted (the device count is a count, not a listing of every
 * device with its readings, which took over a second at 10,000 devices),
 * and only the sites the caller may see.
 */
import { describe, expect, test } from "bun:test";
import { fleetViewsFixture } from "../../../test/support/fleet-views-fixture.ts";

describe("ListSites", () => {
  test("each site the caller may see, with its devices and live agents counted", async () => {
    const f = fleetViewsFixture();
    const all = await f.api.listSites({});
    expect(all.sites.map((s) => [s.site?.name, s.devices, s.agents])).toEqual([
      ["North", 4, 3],
      ["South", 1, 1],
    ]);
    const south = await f.as("viewer", "South").listSites({});
    expect(south.sites.map((s) => [s.site?.name, s.devices])).toEqual([["South", 1]]);
  });
});
