/**
 * The billing page and its downloads through the portal app in-process,
 * over the hand-made fleet history of the billing tests (March 2026: an
 * interpolated start, a reset, a replaced device): the table shows the
 * meters with estimates marked and explained, the CSV and JSON downloads
 * are exactly the CLI's files of the same question under a name that says
 * the period, a site filter narrows them, and whoever may read no meters
 * gets the RPC's refusal.
 */
import { describe, expect, test } from "bun:test";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import { noticeOf, signIn } from "../../../../test/support/portal-admin-fixture.ts";
import { portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { person } from "../../../../test/support/sign-in-fixture.ts";
import { compareMeterRows, meterRowsToCsv, meterRowsToJson } from "../../billing/index.ts";
import { AFTER_FIXTURE_MS, MARCH, billingFleet } from "../../billing/testdata/billing-fleet.ts";
import { monthPeriod } from "./billing-query.ts";

/** A portal over the billing fleet, with an owner signed in. */
async function billingPortal() {
  const b = portalBrowser();
  b.h.clock.set(AFTER_FIXTURE_MS);
  const fleet = billingFleet(b.h.store);
  await person(b.h, "olive", "owner");
  await signIn(b, "olive");
  return { b, fleet };
}

const MARCH_QUERY = "start=2026-03-01&end=2026-04-01";

describe("the billing page", () => {
  test("the table shows each counter's meters, estimates marked with how, resets and the replacement", async () => {
    const { b, fleet } = await billingPortal();
    const page = await b.text(await b.get(`/billing?${MARCH_QUERY}`));
    expect(page).toContain('id="bill-start" name="start" type="date" value="2026-03-01"');
    // B: both ends interpolated, said how.
    expect(page).toContain(
      '<td class="num"><abbr class="estimated" title="estimated: interpolated between readings of 2026-02-28 12:00:00Z and 2026-03-02 12:00:00Z">≈ 5100</abbr><span class="sr-only"> (estimated: interpolated between readings of 2026-02-28 12:00:00Z and 2026-03-02 12:00:00Z)</span></td>',
    );
    expect(page).toContain('<td class="num" title="read at 2026-03-01 00:00:00Z">1000</td>');
    expect(page).toContain('<td class="num">3140</td>');
    // C's reset, D replaced by E.
    expect(page).toContain("2026-03-13 00:00:00Z: 21100 to 150");
    expect(page).toContain(`replaced by ${fleet.device.E}`);
    expect(page).toContain(`replaces ${fleet.device.D}`);
    expect(page).toContain(`href="/billing/export.csv?${MARCH_QUERY.replace("&", "&amp;")}"`);
  });

  test("the CSV and JSON downloads are the CLI's files of the same question, named for the period", async () => {
    const { b } = await billingPortal();
    // The harness's own owner session has gone idle at the fixture's clock: a new one.
    const rows = (await b.h.as("owner").exportMeters({ start: timestampFromDate(MARCH.start), end: timestampFromDate(MARCH.end) })).rows.sort(compareMeterRows);
    const csv = await b.get(`/billing/export.csv?${MARCH_QUERY}`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
    expect(csv.headers.get("content-disposition")).toBe('attachment; filename="meters_2026-03-01_to_2026-04-01.csv"');
    expect(await csv.text()).toBe(meterRowsToCsv(rows));
    const json = await b.get(`/billing/export.json?${MARCH_QUERY}`);
    expect(json.headers.get("content-disposition")).toBe('attachment; filename="meters_2026-03-01_to_2026-04-01.json"');
    expect(await json.text()).toBe(meterRowsToJson(MARCH, rows));
    const bravo = await b.get(`/billing/export.csv?${MARCH_QUERY}&site=Bravo`);
    expect(bravo.headers.get("content-disposition")).toBe('attachment; filename="meters_2026-03-01_to_2026-04-01_Bravo.csv"');
    const lines = (await bravo.text()).trim().split("\r\n");
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.slice(1).every((l) => l.startsWith("Bravo,"))).toBe(true);
  });

  test("the presets are last month and this month; a bad period is the RPC's refusal", async () => {
    const { b } = await billingPortal();
    const page = await b.text(await b.get("/billing?preset=this-month"));
    const m = monthPeriod(new Date(), 0);
    expect(page).toContain(`name="start" type="date" value="${m.start}"`);
    expect(page).toContain(`Last month (${monthPeriod(new Date(), -1).start} to ${monthPeriod(new Date(), -1).end})`);
    const bad = await b.get("/billing?start=2026-04-01&end=2026-03-01");
    expect(bad.status).toBe(400);
    expect(noticeOf(await b.text(bad), "error")).toBe("the period&#39;s start (2026-04-01T00:00:00.000Z) must be before its end (2026-03-01T00:00:00.000Z)");
  });

  test("someone with no role may read no meters: the page and the download answer 403", async () => {
    const { b } = await billingPortal();
    await b.text(await b.get("/"));
    await b.post("/logout", {});
    await person(b.h, "nobody");
    await signIn(b, "nobody");
    const page = await b.get(`/billing?${MARCH_QUERY}`);
    expect(page.status).toBe(403);
    expect(noticeOf(await b.text(page), "error")).toContain("nobody may not read the meters of");
    const csv = await b.get(`/billing/export.csv?${MARCH_QUERY}`);
    expect(csv.status).toBe(403);
    expect(csv.headers.get("content-disposition")).toBeNull();
  });
});
