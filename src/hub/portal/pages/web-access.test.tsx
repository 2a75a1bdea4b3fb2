/** @jsxImportSource hono/jsx */
/**
 * Device Web Access from the portal in-process: the device actions offer
 * "Web access" (a form into a new tab) where the site has it on, and tasks
 * aimed at the device's address; opening answers a page whose link (followed
 * by portal.js) is the session's URL with its key, shown to the opener only;
 * the site page lists the session without its key and closes it; a refusal
 * (web access off, no right) is shown with the RPC's words.
 */
import { describe, expect, test } from "bun:test";
import { SESSION_COOKIE } from "../cookies.ts";
import { portalBrowser, PORTAL_ORIGIN } from "../../../../test/support/portal-fixture.ts";
import { signInAs, siteWithAgent } from "../../../../test/support/portal-sites-fixture.ts";
import { writeWebAccessSettings } from "../../webaccess/web-access-settings.ts";
import type { PortalContext } from "../portal-context.ts";
import { DeviceActions } from "./device-actions.tsx";

async function world(role = "technician") {
  const b = portalBrowser();
  writeWebAccessSettings(b.h.dataDir, { domain: "wa.hub.test", port: 8443 });
  const s = siteWithAgent(b.h, "Acme", "127.49.0");
  await signInAs(b, "wendy", role, s);
  return { b, s };
}

describe("web access from the portal", () => {
  test("the device actions offer Web access and tasks on the device's address; none where the site has it off", async () => {
    const { b, s } = await world();
    const portal: PortalContext = {
      api: b.adminFor(b.jar.get(SESSION_COOKIE), "127.0.0.1", PORTAL_ORIGIN),
      csrf: "token-x",
      address: "127.0.0.1",
      origin: PORTAL_ORIGIN,
      version: "t",
      useSession: async () => {},
    };
    const device = { id: s.deviceId, siteId: s.id, address: s.deviceAddress };
    const render = async () => String(await (<DeviceActions portal={portal} device={device} />).toString());
    const html = await render();
    expect(html).toContain(`id="device-actions" aria-labelledby="actions-h" data-device="${s.deviceId}"`);
    expect(html).toContain('action="/web-access/open" target="_blank"');
    expect(html).toContain(`name="device" value="${s.deviceId}"`);
    expect(html).toContain(`<input type="hidden" name="address" value="${s.deviceAddress}"/>`);
    expect(html).toContain('data-kind="ping"');
    expect(html).not.toContain('data-kind="scan"');
    b.h.store.updateSiteConfig(s.id, (c) => void (c.webAccessDisabled = true));
    const off = await render();
    expect(off).not.toContain("/web-access/open");
    expect(off).toContain("Device Web Access is off for this site.");
  });

  test("open shows the session's URL once, the site page lists it without its key, and closes it", async () => {
    const { b, s } = await world();
    await b.text(await b.get(`/sites/${s.id}`));
    const opened = await b.text(await b.post("/web-access/open", { device: s.deviceId, site: s.id, port: "80", minutes: "15" }));
    const url = /<a class="button" href="([^"]+)" data-go="1"/.exec(opened)![1]!.replaceAll("&amp;", "&");
    expect(new URL(url).host).toMatch(/^[a-z0-9-]+\.wa\.hub\.test:8443$/);
    const [session] = b.h.store.listWebAccessSessions({ siteId: s.id, open: true });
    expect(session).toMatchObject({ address: s.deviceAddress, port: 80, openedBy: "wendy" });
    const key = new URL(url).searchParams.get("key")!;
    expect(key.length).toBeGreaterThan(20);
    const page = await b.text(await b.get(`/sites/${s.id}`));
    expect(page).toContain(`http://${s.deviceAddress}:80`);
    expect(page).toContain(new URL(url).host.split(":")[0]!);
    expect(page).not.toContain(key);
    const closed = await b.post("/web-access/close", { session: session!.id, back: `/sites/${s.id}` });
    expect(closed.status).toBe(303);
    expect(closed.headers.get("location")).toBe(`/sites/${s.id}#web-access`);
    expect(b.h.store.getWebAccessSession(session!.id)?.endedAt).toBeDefined();
    expect(await b.text(await b.get(`/sites/${s.id}`))).toContain("No open sessions.");
  });

  test("the site page opens any address inside the site's targets; one outside is refused", async () => {
    const { b, s } = await world();
    const page = await b.text(await b.get(`/sites/${s.id}`));
    expect(page).toContain('<input id="site-wa-address" name="device" type="text" required=""/>');
    const opened = await b.text(await b.post("/web-access/open", { device: "127.49.0.33", site: s.id, port: "8000" }));
    expect(opened).toContain("http://127.49.0.33:8000");
    expect(b.h.store.listWebAccessSessions({ siteId: s.id, open: true })).toHaveLength(1);
    const outside = await b.post("/web-access/open", { device: "192.0.2.4", site: s.id, port: "80" });
    expect(outside.status).toBeGreaterThanOrEqual(400);
    expect(await b.text(outside)).toMatch(/notice error[^>]*>[^<]*192\.0\.2\.4/);
  });

  test("an admin turns web access off and on for the site and sets its ports", async () => {
    const { b, s } = await world("admin");
    await b.text(await b.get(`/sites/${s.id}`));
    const off = await b.text(await b.post(`/sites/${s.id}/web-access`, { ports: "8080, 9090" }));
    expect(off).toContain("Off for this site");
    expect(off).not.toContain('id="site-wa-address"');
    expect(b.h.store.getSiteConfig(s.id)).toMatchObject({ webAccessDisabled: true, webAccessPorts: [8080, 9090] });
    const on = await b.text(await b.post(`/sites/${s.id}/web-access`, { on: "1", ports: "" }));
    expect(on).toContain("On for this site, to ports 80, 443, 8000.");
    const bad = await b.post(`/sites/${s.id}/web-access`, { on: "1", ports: "70000" });
    expect(bad.status).toBe(400);
    expect(await b.text(bad)).toContain("Ports must be between 1 and 65535");
  });

  test("refusals in the RPC's words: web access off for the site, a viewer", async () => {
    const { b, s } = await world();
    b.h.store.updateSiteConfig(s.id, (c) => void (c.webAccessDisabled = true));
    await b.text(await b.get(`/sites/${s.id}`));
    const off = await b.post("/web-access/open", { device: s.deviceId, site: s.id });
    expect(off.status).toBe(409);
    expect(await b.text(off)).toContain("web access is off for this site");
    const v = await world("viewer");
    await v.b.text(await v.b.get(`/sites/${v.s.id}`));
    const viewer = await v.b.post("/web-access/open", { device: v.s.deviceId, site: v.s.id });
    expect(viewer.status).toBe(403);
    expect(await v.b.text(viewer)).toContain("permission denied: wendy may not use Device Web Access");
  });
});
