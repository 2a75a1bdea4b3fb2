/** @jsxImportSource hono/jsx */
/**
 * Device Web Access from the portal. POST /web-access/open (the device
 * actions' button, a form aimed at a new tab) calls OpenWebAccess as the
 * signed-in person; the answer in that tab is a page whose link portal.js
 * follows at once (location.replace), to the session's URL with its key:
 * the key is shown to the opener only, in that one answer (no-store), and
 * the hub keeps only its hash. A redirect would be simpler, but the CSP's
 * form-action 'self' stops a form's redirect to another origin. A refusal
 * (web access off for the site, a port not allowed, no right) is shown there
 * with the RPC's words. POST /web-access/close ends a session
 * (CloseWebAccess) and goes back to the page it was closed from.
 */
import { Layout, Notice } from "../layout.tsx";
import { safeNextPath } from "../next-path.ts";
import { field, type PageResult } from "../page.ts";
import type { PortalCtx } from "../portal-context.ts";
import { attempt } from "./attempt.ts";
import { timeText } from "./time-text.ts";

/** A whole number from a field, or undefined when empty or not one. */
async function u32(c: PortalCtx, name: string): Promise<number | undefined> {
  const v = (await field(c, name, 12)).trim();
  return /^\d{1,9}$/.test(v) ? Number(v) : undefined;
}

/** POST /web-access/open */
export async function postOpenWebAccess(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const device = await field(c, "device", 200);
  const site = await field(c, "site", 200);
  const req = { device, site, port: await u32(c, "port"), minutes: await u32(c, "minutes") };
  const r = await attempt(() => portal.api.openWebAccess(req));
  if (!r.ok) {
    return c.html(
      <Layout portal={portal} title="Web access not opened">
        <h1>Web access not opened</h1>
        <Notice kind="error">{r.message}</Notice>
        <p>Close this tab to go back to the device.</p>
      </Layout>,
      r.status,
    );
  }
  const s = r.value.session!;
  return (
    <Layout portal={portal} title="Opening the device's web page">
      <h1>Opening the device's web page</h1>
      <p>
        A web-access session to {s.tls ? "https" : "http"}://{s.address}:{s.port}
        {r.value.deviceModel && ` (${r.value.deviceModel})`} is open until {timeText(s.expiresAt)}; it closes after {s.idleSeconds} s without traffic. The site's agent is
        asked to open its tunnel now; the page waits for it.
      </p>
      <p>
        <a class="button" href={r.value.url} data-go="1" rel="noreferrer">
          Open the device's web page
        </a>
      </p>
      <p class="hint">Close it from the site's page when you are done.</p>
    </Layout>
  );
}

/** POST /web-access/close */
export async function postCloseWebAccess(c: PortalCtx): Promise<PageResult> {
  const portal = c.get("portal");
  const back = safeNextPath(await field(c, "back", 500));
  const session = (await field(c, "session", 200)).trim();
  const r = await attempt(() => portal.api.closeWebAccess({ session }));
  if (r.ok) return c.redirect(`${back}#web-access`, 303);
  return c.html(
    <Layout portal={portal} title="Session not closed">
      <h1>Session not closed</h1>
      <Notice kind="error">{r.message}</Notice>
      <p>
        <a href={back}>Back</a>
      </p>
    </Layout>,
    r.status,
  );
}
