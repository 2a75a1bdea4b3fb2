/** @jsxImportSource hono/jsx */
/**
 * What can be done to one device from its page (/devices/:id): a task of
 * each kind aimed at its address (ping, traceroute, read now, SNMP test,
 * web probe, Zebra; each opens the task's page, where the result arrives
 * live), and "Web access", which opens the device's own web page through
 * the agent's tunnel in a new tab (web-access.tsx). The button shows only
 * where the site has Device Web Access on (its config, as GetSite gives it);
 * whether this person may use it is the RPC's to say, in its own words.
 */
import type { Child } from "hono/jsx";
import { CsrfField } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";
import { attempt } from "./attempt.ts";
import { TaskForms } from "./task-form.tsx";

/** The device the actions are for. */
export interface DeviceActionsProps {
  portal: PortalContext;
  /** The device's id. */
  id: string;
  /** Its site's id (or name). */
  site: string;
  /** The address it was last read at. */
  address: string;
}

/** The device's actions: tasks on its address, and Web access where the site has it. */
export async function DeviceActions(p: DeviceActionsProps): Promise<Child> {
  const site = await attempt(() => p.portal.api.getSite({ site: p.site }));
  const config = site.ok ? site.value.config : undefined;
  // Unknown (no right to read the site): offer it and let OpenWebAccess answer.
  const webAccess = !config?.webAccessDisabled;
  const ports = [80, 443, 8000, ...(config?.webAccessPorts ?? [])];
  return (
    <div class="device-actions">
      {webAccess && (
        <form method="post" action="/web-access/open" target="_blank" class="web-access-open">
          <CsrfField portal={p.portal} />
          <input type="hidden" name="device" value={p.id} />
          <input type="hidden" name="site" value={p.site} />
          <div>
            <label for="wa-port">Web page port</label>
            <select id="wa-port" name="port">
              {[...new Set(ports)].map((port) => (
                <option value={String(port)}>{port === 443 || port === 8443 ? `${port} (HTTPS)` : String(port)}</option>
              ))}
            </select>
          </div>
          <div>
            <label for="wa-minutes">For</label>
            <select id="wa-minutes" name="minutes">
              <option value="15">15 minutes</option>
              <option value="30" selected>
                30 minutes
              </option>
              <option value="60">1 hour</option>
              <option value="240">4 hours</option>
            </select>
          </div>
          <div>
            <button type="submit">Web access</button>
            <span class="hint"> Opens the device's own web page through the site's agent, in a new tab.</span>
          </div>
        </form>
      )}
      {!webAccess && <p class="hint">Device Web Access is off for this site.</p>}
      <h3>Tasks</h3>
      {p.address ? <TaskForms portal={p.portal} site={p.site} address={p.address} prefix="dev" /> : <p>The device has no known address yet.</p>}
    </div>
  );
}
