/**
 * A smoke run of the portal bench (bench.ts) on 200 devices and 30 days:
 * the fleet generated, a real hub (the sources, or the shipped binary
 * under `npm run test:binary`), sign-in through the form, every page
 * answering 200 through curl and loading in Chromium, the htmx swap, and
 * the RSS read. The figures of the README come from the 10,000-device run.
 */
import { expect, test } from "bun:test";
import { chromiumUnavailable } from "../../support/chromium.ts";
import { hubCommand } from "../../support/service-peers.ts";
import { runPortalBench } from "./bench.ts";

test("the portal bench runs end to end on 200 devices", async () => {
  const r = await runPortalBench({ generate: { devices: 200, days: 30, sites: 4 }, repeat: 1, hub: hubCommand() });
  expect(r.devices).toBe(200);
  expect(r.curl.map((c) => [c.path.replace(/dev_\w+/, "ID"), c.status])).toEqual([
    ["/", 200],
    ["/devices", 200],
    ["/devices?sort=pages&dir=desc", 200],
    ["/devices?vendor=HP&below=10&sort=supply", 200],
    ["/devices?q=10.3.", 200],
    ["/devices?sort=serial&page=100", 200],
    ["/devices/ID", 200],
    ["/devices/ID?period=1y", 200],
    ["/devices.csv", 200],
  ]);
  // The CSV holds a header and 200 lines; a page a few KB at least.
  expect(r.curl.at(-1)!.bytes).toBeGreaterThan(200 * 80);
  for (const c of r.curl) expect(c.firstByteMs).toBeGreaterThan(0);
  if (!chromiumUnavailable()) {
    expect(r.chromium).toHaveLength(8);
    for (const c of r.chromium) expect(c.firstLoadMs).toBeGreaterThan(0);
    expect(r.swapMs.length).toBeGreaterThanOrEqual(2);
  }
  expect(r.rss.maxMb).toBeGreaterThan(10);
  expect(r.markdown.join("\n")).toContain("| Devices, page 1 (50 rows), default order |");
}, 180_000);
