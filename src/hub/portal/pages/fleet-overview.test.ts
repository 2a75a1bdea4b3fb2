/**
 * The fleet overview (/) in-process over the fleet views' fixture: each
 * site's counts and the totals exactly, the links to the devices they count,
 * the search across sites, and what a viewer of one site and someone
 * without a role see.
 */
import { describe, expect, test } from "bun:test";
import { fleetPortal, tableRows, textOf } from "../../../../test/support/fleet-portal-fixture.ts";

/** The section of a page with heading id `id` (up to the next section). */
const section = (html: string, id: string) => {
  const at = html.indexOf(`aria-labelledby="${id}"`);
  return at < 0 ? "" : html.slice(html.indexOf(">", at) + 1, html.indexOf("</section>", at));
};

describe("the fleet overview", () => {
  const fp = fleetPortal();

  test("each site's counts and the totals", async () => {
    const html = await fp.page(fp.as("owner"), "/");
    expect(tableRows(html, "overview")).toEqual([
      ["North", "4", "3", "1", "1", "1", "2", "1", "1", "2", "2026-03-10 11:00 UTC"],
      ["South", "1", "1", "0", "0", "0", "0", "0", "0", "1", "2026-03-10 11:30 UTC"],
    ]);
    expect(textOf(/<tfoot>([\s\S]*?)<\/tfoot>/.exec(html)![1]!)).toBe("All sites 5 4 1 1 1 2 1 1 3 2026-03-10 11:30 UTC");
    expect(html).toContain(`<a href="/devices?site=${fp.f.north.id}&amp;health=error" class="bad">1</a>`);
    expect(html).toContain('<a href="/" aria-current="page">Fleet</a>');
  });

  test("the search finds sites and devices across sites", async () => {
    const owner = fp.as("owner");
    const sites = textOf(section(await fp.page(owner, "/?q=sou"), "found-h"));
    expect(sites).toContain("Sites South: 1 devices");
    const devices = section(await fp.page(owner, "/?q=LaserJet"), "found-h");
    expect(textOf(devices)).toContain("No site name contains it.");
    expect([...devices.matchAll(/<span class="code">([^<]+)<\/span>/g)].map((m) => m[1]).sort()).toEqual(["N-001", "N-002", "S-001"]);
    expect(devices).toContain('<a href="/devices?q=LaserJet">These devices in the table</a>');
    // A link's words stay in the search box, never on the page as its text.
    const lure = await fp.page(owner, "/?q=Your%20account%20is%20locked%2C%20call%20555-0100");
    expect(lure).toContain('value="Your account is locked, call 555-0100"');
    expect(textOf(lure)).not.toContain("555-0100");
  });

  test("a viewer of one site sees that site only; someone without a role is told what to do", async () => {
    const html = await fp.page(fp.as("viewer", "South"), "/");
    expect(tableRows(html, "overview").map((r) => r[0])).toEqual(["South"]);
    expect(html).not.toContain("<tfoot>");
    expect(textOf(section(await fp.page(fp.as("viewer", "South"), "/?q=N-00"), "found-h"))).toContain("No device matches it.");
    const nobody = await fp.page(fp.as(""), "/");
    expect(textOf(nobody)).toMatch(/Fleet overview .*\S.* Ask an owner or admin of this hub for a role on your sites\./);
    expect(nobody).toContain('<div class="notice error" role="alert">');
    expect(nobody).not.toContain('class="overview"');
  });
});
