/**
 * The devices table and its CSV in-process over the fleet views' fixture:
 * the rows of a view exactly, sorting and filtering changing them, the
 * column headers' links and aria-sort, the htmx fragment, paging, and the
 * CSV equal to the view (every row, same order, formula guard), as an
 * owner and as a viewer of one site.
 */
import { describe, expect, test } from "bun:test";
import { fleetPortal, tableRows, textOf } from "../../../../test/support/fleet-portal-fixture.ts";
import { NOW } from "../../../../test/support/fleet-views-fixture.ts";
import { outbox } from "../../../../test/support/hub-store-fixtures.ts";
import { testReading } from "../../../../test/support/fleet-views-fixture.ts";
import { SESSION_COOKIE } from "../cookies.ts";
import { portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { DEVICE_CSV_COLUMNS, MAX_CSV_DEVICES } from "./devices-csv.ts";

/** The serials of the table's rows, in order. */
const serials = (html: string) => tableRows(html, "devices").map((r) => r[4]);
/** The CSV's lines as cells (no quoted commas in the serial and site columns used here). */
const csvRows = (csv: string) => csv.trimEnd().split("\r\n").slice(1);

describe("the devices table", () => {
  const fp = fleetPortal();
  const owner = fp.as("owner");

  test("the default view: every device by site and address, with its facts", async () => {
    const html = await fp.page(owner, "/devices");
    const rows = tableRows(html, "devices");
    expect(rows.map((r) => [r[0], r[1], r[4]])).toEqual([
      ["North", "10.0.0.2", "N-004"],
      ["North", "10.0.0.9", "N-001"],
      ["North", "10.0.0.10", "N-002"],
      ["North", "10.0.0.100", "N-003"],
      ["South", "10.1.0.7", "S-001"],
    ]);
    expect(rows[2]).toEqual(["North", "10.0.0.10", "HP", "Color LaserJet M554", "N-002", "warning warning, idle, lowToner", "Cyan Cartridge: 8 %", "5,000", "2026-03-10 10:00 UTC", ""]);
    expect(rows[0]![9]).toBe("1");
    expect(textOf(html)).toContain("Devices 1-5 of 5. Download these 5 as CSV");
    expect(html).toContain('<th scope="col" aria-sort="ascending"><a id="sort-site" href="/devices?dir=desc"');
    // The filters' choices come from the facets, with counts.
    expect(html).toContain('<option value="HP">HP (3)</option>');
  });

  test("sorting changes the rows; the sorted column says so and its link turns the order", async () => {
    const desc = await fp.page(owner, "/devices?sort=pages&dir=desc");
    expect(serials(desc)).toEqual(["N-002", "N-004", "N-001", "N-003", "S-001"]);
    expect(desc).toMatch(/<th scope="col" aria-sort="descending" class="num"><a id="sort-pages" href="\/devices\?sort=pages"/);
    const asc = await fp.page(owner, "/devices?sort=pages");
    expect(serials(asc)).toEqual(["S-001", "N-003", "N-001", "N-004", "N-002"]);
    expect(asc).toMatch(/aria-sort="ascending" class="num"><a id="sort-pages" href="\/devices\?sort=pages&amp;dir=desc"/);
    expect(serials(await fp.page(owner, "/devices?sort=serial&dir=desc"))).toEqual(["S-001", "N-004", "N-003", "N-002", "N-001"]);
    // An unknown sort is the default order.
    expect(serials(await fp.page(owner, "/devices?sort=nonsense"))).toEqual(["N-004", "N-001", "N-002", "N-003", "S-001"]);
  });

  test("filters narrow the rows, alone and together, and the form keeps them", async () => {
    expect(serials(await fp.page(owner, "/devices?vendor=hp"))).toEqual(["N-001", "N-002", "S-001"]);
    expect(serials(await fp.page(owner, "/devices?health=error"))).toEqual(["N-003"]);
    expect(serials(await fp.page(owner, "/devices?below=10"))).toEqual(["N-002"]);
    expect(serials(await fp.page(owner, `/devices?site=${fp.f.south.id}`))).toEqual(["S-001"]);
    expect(serials(await fp.page(owner, "/devices?model=LaserJet%20M507&site=North"))).toEqual(["N-001"]);
    expect(serials(await fp.page(owner, "/devices?q=aa:bb:cc:00:00:01"))).toEqual(["N-001"]);
    const none = await fp.page(owner, "/devices?vendor=HP&health=error");
    expect(serials(none)).toEqual([]);
    expect(textOf(none)).toContain("No device matches these filters.");
    const kept = await fp.page(owner, "/devices?vendor=HP&below=60&q=N-");
    expect(serials(kept)).toEqual(["N-001", "N-002"]);
    expect(kept).toContain('<option value="HP" selected="">HP (3)</option>');
    expect(kept).toContain('id="below" name="below" type="number" min="0" max="100" step="any" inputmode="decimal" value="60"');
    expect(kept).toContain('value="N-"');
    // The sort links keep the filters.
    expect(kept).toContain('href="/devices?vendor=HP&amp;below=60&amp;q=N-&amp;sort=serial"');
  });

  test("a supply filter that is not a percent is refused with what to give", async () => {
    const r = await owner.get("/devices?below=lots");
    expect(r.status).toBe(400);
    const text = await r.text();
    expect(text).toContain("the supply filter is a percent from 0 to 100, such as 10 or 12.5");
    expect(text).not.toContain("lots");
  });

  test("htmx gets the results only (no page around them); a history restore gets the page", async () => {
    const r = await owner.get("/devices?q=&site=&vendor=&sort=pages&dir=desc", { "hx-request": "true" });
    // The history gets the view's own URL (not the form's empty fields).
    expect(r.headers.get("hx-push-url")).toBe("/devices?sort=pages&dir=desc");
    const frag = await r.text();
    expect(frag).toStartWith('<div id="device-results" class="results">');
    // The sort shown travels with the filters form's next submission (form= associates them).
    expect(frag).toContain('<input type="hidden" name="sort" value="pages" form="device-filters"/><input type="hidden" name="dir" value="desc" form="device-filters"/>');
    expect(frag).not.toContain("<html");
    expect(serials(frag)).toEqual(["N-002", "N-004", "N-001", "N-003", "S-001"]);
    expect(frag).toContain('hx-get="/devices?sort=pages" hx-target="#device-results" hx-swap="outerHTML" hx-push-url="true"');
    const restore = await fp.page(owner, "/devices", { "hx-request": "true", "hx-history-restore-request": "true" });
    expect(restore).toStartWith("<!DOCTYPE html>");
  });

  test("a viewer of one site sees only that site's devices, in the table and the CSV", async () => {
    const viewer = fp.as("viewer", "South");
    const html = await fp.page(viewer, "/devices");
    expect(serials(html)).toEqual(["S-001"]);
    expect(html).not.toContain("North");
    const csv = await (await viewer.get("/devices.csv")).text();
    expect(csvRows(csv).map((l) => l.split(",")[6])).toEqual(["S-001"]);
    // Naming the other site is refused by the hub, in its words.
    const r = await viewer.get(`/devices?site=${fp.f.north.id}`);
    expect(r.status).toBe(403);
  });
});

describe("paging and the CSV of a view", () => {
  const fp = fleetPortal();
  const owner = fp.as("owner");
  // 540 more devices on a site of their own (more than one ListDevices page of the CSV), one with a formula for a model.
  const bulk = fp.f.store.createSite("Bulk");
  const act = fp.f.store.activate({ code: fp.f.store.createActivationCode(bulk.id).code, installId: "bulk-install".padEnd(32, "x"), hostname: "bulk-pc", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!act.ok) throw new Error(act.reason);
  fp.f.store.storeReadings(
    act.agent,
    Array.from({ length: 540 }, (_, i) =>
      outbox(`bulk-${i}`, testReading({ address: `10.9.${Math.floor(i / 250)}.${(i % 250) + 1}`, serial: `B-${String(i).padStart(4, "0")}`, vendor: "Acme", model: i === 7 ? "=HYPERLINK(\"x\")" : "Bulk 1", readAt: NOW - 60_000, total: BigInt(i * 10) })),
    ),
  );

  test("pages of 25: the third page, its pager, and a page past the end", async () => {
    const html = await fp.page(owner, `/devices?site=Bulk&sort=serial&size=25&page=3`);
    expect(serials(html)).toEqual(Array.from({ length: 25 }, (_, i) => `B-${String(50 + i).padStart(4, "0")}`));
    expect(textOf(html)).toContain("Devices 51-75 of 540 matching.");
    expect(textOf(html)).toContain("Previous Page 3 of 22 Next");
    expect(html).toContain('rel="prev" href="/devices?site=Bulk&amp;sort=serial&amp;page=2&amp;size=25"');
    expect(html).toContain('rel="next" href="/devices?site=Bulk&amp;sort=serial&amp;page=4&amp;size=25"');
    const past = await fp.page(owner, "/devices?site=Bulk&page=99");
    expect(serials(past)).toEqual([]);
    expect(textOf(past)).toContain("540 devices match; this page is past the end.");
  });

  test("the CSV holds every device of the view, in the table's order, RFC 4180 with the formula guard", async () => {
    const view = "sort=pages&dir=desc&vendor=Acme";
    const r = await owner.get(`/devices.csv?${view}&page=3&size=25`);
    expect(r.status).toBe(200);
    expect(r.headers.get("content-type")).toBe("text/csv; charset=utf-8; header=present");
    expect(r.headers.get("content-disposition")).toMatch(/^attachment; filename="devices-\d{4}-\d\d-\d\d\.csv"$/);
    const csv = await r.text();
    expect(csv.split("\r\n")[0]).toBe(DEVICE_CSV_COLUMNS.join(","));
    const rows = csvRows(csv);
    expect(rows).toHaveLength(540);
    // The same order as the table's pages, page by page.
    const tableSerials: string[] = [];
    for (let page = 1; page <= 3; page++) tableSerials.push(...serials(await fp.page(owner, `/devices?${view}&size=200&page=${page}`)));
    expect(rows.map((l) => l.split(",")[6])).toEqual(tableSerials);
    expect(rows[0]).toStartWith("dev_");
    expect(rows[0]!.split(",").slice(1, 7)).toEqual(["Bulk", bulk.id, "10.9.2.40", "Acme", "Bulk 1", "B-0539"]);
    expect(csv).toContain(`,Acme,"'=HYPERLINK(""x"")",B-0007,`);
    // A filtered view's CSV has only its rows.
    const one = await (await owner.get("/devices.csv?q=S-001")).text();
    expect(csvRows(one)).toHaveLength(1);
    expect(csvRows(one)[0]).toContain(',South,');
  });
});

describe("the CSV's bound", () => {
  test("a view of more devices than a file holds is refused before the file starts, with what to do", async () => {
    const fp = fleetPortal();
    // The hub answers as if the view held one device more than the bound.
    const b = portalBrowser({
      harness: fp.f,
      wrap: (adminFor) => (bearer, address, origin) => {
        const api = adminFor(bearer, address, origin);
        return new Proxy(api, {
          get: (t, k) => (k === "listDevices" ? async (req: Parameters<typeof api.listDevices>[0]) => ({ ...(await t.listDevices(req)), total: MAX_CSV_DEVICES + 1 }) : Reflect.get(t, k)),
        });
      },
    });
    const user = fp.f.store.createUser({ username: "big", createdBy: "test" });
    fp.f.store.grantRole({ userId: user.id, role: "viewer" });
    b.jar.set(SESSION_COOKIE, fp.f.store.createSession({ userId: user.id, method: "password", address: "127.0.0.1", client: "test" }).token);
    const r = await b.get("/devices.csv");
    expect(r.status).toBe(400);
    expect(r.headers.get("content-type")).toStartWith("text/html");
    expect(textOf(await r.text())).toContain(`this view holds ${MAX_CSV_DEVICES + 1} devices and a CSV holds at most ${MAX_CSV_DEVICES}: filter by site, vendor or model, and download each part`);
  });
});
