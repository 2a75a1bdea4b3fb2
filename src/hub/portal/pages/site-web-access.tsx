/** @jsxImportSource hono/jsx */
/**
 * Device Web Access on the site page: whether the site allows it (its
 * config: on or off, the ports besides 80, 443 and 8000) and its open
 * sessions (ListWebAccess for the site), each with a close button
 * (CloseWebAccess). A session's URL holds its key and is shown only to
 * whoever opens it (device-actions.tsx); the list shows its host only.
 */
import type { AgentConfig } from "../../../gen/dca/v1/agent_service_pb.ts";
import type { WebAccessSession } from "../../../gen/dca/v1/admin_tasks_pb.ts";
import { CsrfField, Notice } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";
import type { Attempt } from "./attempt.ts";
import { timeText } from "./time-text.ts";
import { WebAccessOpenForm } from "./web-access-form.tsx";

/** The web-access part: the site's setting and its open sessions (or why they are not shown). */
export function WebAccessPart(p: { portal: PortalContext; site: string; config: AgentConfig; sessions: Attempt<WebAccessSession[]>; back: string }) {
  const ports = ["80", "443", "8000", ...p.config.webAccessPorts.map(String)].join(", ");
  return (
    <>
      <p>
        {p.config.webAccessDisabled ? (
          <>Off for this site: a hub admin turns it on with "dca-hub site set-web-access SITE --on".</>
        ) : (
          <>On for this site, to ports {ports}. Open a known device's web page from the device's page, or any address of the site's here.</>
        )}
      </p>
      {!p.config.webAccessDisabled && <WebAccessOpenForm portal={p.portal} site={p.site} config={p.config} prefix="site" />}
      <details class="web-access-settings">
        <summary>Settings</summary>
        <form class="stack" method="post" action={`/sites/${encodeURIComponent(p.site)}/web-access`}>
          <CsrfField portal={p.portal} />
          <div>
            <input id="wa-on" name="on" type="checkbox" value="1" checked={!p.config.webAccessDisabled} />{" "}
            <label for="wa-on" class="inline">
              Device Web Access on for this site
            </label>
          </div>
          <div>
            <label for="wa-ports">
              Ports allowed besides 80, 443 and 8000 <span class="hint">(comma-separated; empty for none)</span>
            </label>
            <input id="wa-ports" name="ports" type="text" value={p.config.webAccessPorts.join(", ")} />
          </div>
          <div>
            <button type="submit">Save web access settings</button>
          </div>
        </form>
      </details>
      {!p.sessions.ok ? (
        <Notice>Open sessions are not shown: {p.sessions.message}</Notice>
      ) : p.sessions.value.length === 0 ? (
        <p>No open sessions.</p>
      ) : (
        <div class="table-wrap">
          <table>
            <caption class="hint">Open web-access sessions</caption>
            <thead>
              <tr>
                <th scope="col">Reaches</th>
                <th scope="col">Opened by</th>
                <th scope="col">Until</th>
                <th scope="col">Tunnel</th>
                <th scope="col">Bytes to / from</th>
                <th scope="col">
                  <span class="sr-only">Action</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {p.sessions.value.map((s) => (
                <tr>
                  <td>
                    {s.tls ? "https" : "http"}://{s.address}:{s.port}
                    <br />
                    <span class="hint">{s.origin || s.label}</span>
                  </td>
                  <td>{s.openedBy}</td>
                  <td>{timeText(s.expiresAt)}</td>
                  <td>{s.tunnelUpAt ? "up" : "waiting for the agent"}</td>
                  <td>
                    {s.bytesToDevice.toString()} / {s.bytesFromDevice.toString()}
                  </td>
                  <td>
                    <form method="post" action="/web-access/close" class="inline">
                      <CsrfField portal={p.portal} />
                      <input type="hidden" name="session" value={s.id} />
                      <input type="hidden" name="back" value={p.back} />
                      <button type="submit" class="secondary" aria-label={`Close the session to ${s.address}:${s.port}`}>
                        Close
                      </button>
                    </form>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
