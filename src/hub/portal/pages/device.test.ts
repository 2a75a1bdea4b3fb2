/**
 * The device page in-process over the fleet views' fixture: supplies in
 * their honest state (-3 is "some remaining", never a percentage), counters
 * with their OIDs, the chart's data exactly, the period and history links,
 * addresses and flags, open alerts; and what people of other roles see.
 */
import { describe, expect, test } from "bun:test";
import { fleetPortal, tableRows, textOf } from "../../../../test/support/fleet-portal-fixture.ts";
import { DAY, NOW } from "../../../../test/support/fleet-views-fixture.ts";

/** The section of a page with heading id `id` (up to the next section). */
const section = (html: string, id: string) => {
  const at = html.indexOf(`aria-labelledby="${id}"`);
  return at < 0 ? "" : html.slice(html.indexOf(">", at) + 1, html.indexOf("</section>", at));
};
/** The chart's JSON as portal.js reads it. */
const chartOf = (html: string) => JSON.parse(/<div class="chart" data-chart[^>]*><script type="application\/json">([\s\S]*?)<\/script>/.exec(html)![1]!);

describe("the device page", () => {
  const fp = fleetPortal();
  const owner = fp.as("owner");
  const { d } = fp.f;

  test("a supply at level -3 says 'some remaining' and shows no percentage; a known level is a bar with its percent", async () => {
    const html = await fp.page(owner, `/devices/${d.d2.id}`);
    const items = [...section(html, "supplies-h").matchAll(/<li class="supply[^"]*">([\s\S]*?)<\/li>/g)].map((m) => m[1]!);
    expect(items).toHaveLength(2);
    const [cyan, black] = items as [string, string];
    expect(textOf(black)).toBe("Black Cartridge (black) some remaining (level -3)");
    expect(black).not.toContain("%");
    expect(black).not.toContain("<meter");
    expect(cyan).toContain('<meter min="0" max="100" low="11" optimum="100" value="8" aria-label="Cyan Cartridge: 8 %">');
    expect(textOf(cyan)).toBe("Cyan Cartridge (cyan) 8 % 8 % (low) needs attention");
    // A level -2 (unknown) that the vendor calls low: its state in words, no bar.
    const d3 = section(await fp.page(owner, `/devices/${d.d3.id}`), "supplies-h");
    expect(textOf(d3)).toContain("Toner low needs attention");
    expect(d3).not.toContain("%");
  });

  test("identity, every counter with its OID, addresses over time, status", async () => {
    const html = await fp.page(owner, `/devices/${d.d1.id}`);
    expect(textOf(html.slice(html.indexOf("<h1>"), html.indexOf("</h1>")))).toBe("HP LaserJet M507 N-001");
    const identity = textOf(section(html, "identity-h"));
    expect(identity).toBe(`Identity Vendor HP Model LaserJet M507 Serial number N-001 MAC address AA:BB:CC:00:00:01 Firmware 2409081_001000 Site North Device id ${d.d1.id}`);
    expect(tableRows(html, "counters")).toEqual([
      ["total", "prtMarkerLifeCount", "1,200", "impressions", "1.3.6.1.2.1.43.10.2.1.4.1.1"],
      ["mono", "mono", "1,100", "impressions", "1.3.6.1.4.1.11.2.3.9.4.2.1.4.1.2.6.0"],
    ]);
    expect(textOf(section(html, "addresses-h"))).toBe(
      "Addresses Address First seen Last seen Readings 10.0.0.5 2026-03-07 13:00 UTC 2026-03-07 13:00 UTC 1 10.0.0.9 2026-03-08 13:00 UTC 2026-03-09 13:00 UTC 2",
    );
    expect(textOf(section(html, "status-h"))).toContain("Device running Printer idle Detected errors none");
    // The actions' slot (another page fills it) is there, with the device.
    expect(html).toContain(`id="device-actions" aria-labelledby="actions-h" data-device="${d.d1.id}"`);
  });

  test("the chart: one point per day with a reading, pages since the day before and the total meter", async () => {
    const html = await fp.page(owner, `/devices/${d.d1.id}`);
    expect(html).toMatch(/<script src="\/assets\/uplot-[0-9a-f]{16}\.js" defer=""><\/script>/);
    // No script runs but the assets (the chart's data is JSON, not run), no inline style (the CSP allows neither).
    expect(html).not.toMatch(/<script(?![^>]*\b(src=|type="application\/json"))[^>]*>|\sstyle=|<style/);
    const spec = chartOf(html);
    const day = (iso: string) => Date.parse(`${iso}T00:00:00Z`) / 1000;
    expect(spec.data).toEqual([[day("2026-03-07"), day("2026-03-08"), day("2026-03-09")], [null, 100, 100], [1000, 1100, 1200]]);
    expect(spec.opts.series.map((s: { label: string }) => s.label)).toEqual(["Day", "Pages since the day before", "Total meter"]);
    // The x axis spans the period (90 days up to the newest reading), however few days have readings.
    expect(spec.opts.scales.x).toEqual({ time: true, range: [Date.parse("2025-12-09T00:00:00Z") / 1000, Date.parse("2026-03-09T13:00:00Z") / 1000] });
    expect(textOf(section(html, "chart-h"))).toContain("The 90 days up to its newest reading (2026-03-09 13:00 UTC): 3 days with a reading.");
    expect(html).toContain(`<a href="/devices/${d.d1.id}?period=30d">30 days</a>`);
    const month = await fp.page(owner, `/devices/${d.d1.id}?period=30d`);
    expect(chartOf(month).data[0]).toHaveLength(3);
    expect(month).toContain(`<a href="/devices/${d.d1.id}?period=30d" aria-current="true">30 days</a>`);
    // A meter that went backwards is a gap, not negative pages.
    expect(chartOf(await fp.page(owner, `/devices/${d.d4.id}`)).data).toEqual([[day("2026-03-10")], [null], [1500]]);
  });

  test("counter flags, the readings history and its pages", async () => {
    const d4 = await fp.page(owner, `/devices/${d.d4.id}`);
    expect(textOf(section(d4, "flags-h"))).toBe("Counter flags When Counter Why Before After 2026-03-10 11:00 UTC total prtMarkerLifeCount went backwards (meter reset or board swap) 2,000 1,500");
    expect(tableRows(d4, "history").map((r) => [r[0], r[2], r[5]])).toEqual([
      ["2026-03-10 11:00 UTC", "1,500", "schedule"],
      ["2026-03-10 07:00 UTC", "2,000", "schedule"],
    ]);
    // 25 more readings of d4: two pages of 20.
    const agent = fp.f.agents.n1;
    const { outbox } = await import("../../../../test/support/hub-store-fixtures.ts");
    const { testReading } = await import("../../../../test/support/fleet-views-fixture.ts");
    fp.f.store.storeReadings(agent, Array.from({ length: 25 }, (_, i) => outbox(`d4-more-${i}`, testReading({ address: "10.0.0.2", serial: "N-004", vendor: "Kyocera", model: "ECOSYS P3155", readAt: NOW - 40 * DAY + i * DAY, total: 100n + BigInt(i) }))));
    const p1 = await fp.page(owner, `/devices/${d.d4.id}`);
    expect(textOf(section(p1, "history-h"))).toContain("27 readings, newest first; page 1 of 2.");
    expect(p1).toContain(`<a href="/devices/${d.d4.id}?rpage=2#history">Older</a>`);
    const p2 = await fp.page(owner, `/devices/${d.d4.id}?rpage=2`);
    expect(tableRows(p2, "history")).toHaveLength(7);
    // The periods end at the newest reading: 30 days hold 15 of the older days and today, a year all 25 and today.
    expect(chartOf(await fp.page(owner, `/devices/${d.d4.id}?period=30d`)).data[0]).toHaveLength(16);
    expect(chartOf(await fp.page(owner, `/devices/${d.d4.id}?period=1y`)).data[0]).toHaveLength(26);
  });

  test("its open alerts from the hub's rules", async () => {
    const rule = fp.f.store.createAlertRule({ name: "Toner low", kind: "supply-below", percent: 10, channelIds: [], createdBy: "test" });
    fp.f.store.evaluateAlertRule(rule, NOW, { open: 100, resolve: 100 });
    const html = await fp.page(owner, `/devices/${d.d2.id}`);
    expect(textOf(section(html, "status-h"))).toMatch(/Open alerts Toner low: .+ since 2026-03-10 12:00 UTC/);
    expect(textOf(section(await fp.page(owner, `/devices/${d.d1.id}`), "status-h"))).toContain("No open alert.");
  });

  test("who may see it: a viewer of another site is refused in the hub's words; billing sees it without alerts", async () => {
    const south = fp.as("viewer", "South");
    const r = await south.get(`/devices/${d.d1.id}`);
    expect(r.status).toBe(403);
    expect(textOf(await r.text())).toMatch(/Not allowed permission denied: viewer-\d+ may not see the devices of the site of device "dev_\w+" \(device\.read\)/);
    const billing = fp.as("billing");
    const html = await fp.page(billing, `/devices/${d.d1.id}`);
    expect(textOf(section(html, "status-h"))).toMatch(/Open alerts .*alert\.read/);
    expect(chartOf(html).data[0]).toHaveLength(3);
    expect((await owner.get("/devices/dev_nosuchdevice")).status).toBe(404);
  });
});
