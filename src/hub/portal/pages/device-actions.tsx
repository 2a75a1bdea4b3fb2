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
import type { PortalContext } from "../portal-context.ts";
import { attempt } from "./attempt.ts";
import { TaskForms } from "./task-form.tsx";
import { WebAccessOpenForm } from "./web-access-form.tsx";

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
  return (
    <div class="device-actions">
      {webAccess && <WebAccessOpenForm portal={p.portal} site={p.site} device={p.id} config={config} prefix="dev" />}
      {!webAccess && <p class="hint">Device Web Access is off for this site.</p>}
      <h3>Tasks</h3>
      {p.address ? <TaskForms portal={p.portal} site={p.site} address={p.address} prefix="dev" /> : <p>The device has no known address yet.</p>}
    </div>
  );
}
