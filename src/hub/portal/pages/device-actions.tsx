/** @jsxImportSource hono/jsx */
/**
 * What can be done to one device from its page (/devices/:id, which renders
 * `<DeviceActions portal device>` and knows nothing of tasks): a task of
 * each kind aimed at its address (ping, traceroute, read now, SNMP test,
 * web probe, Zebra; each opens the task's page, where the result arrives
 * live), and "Web access", which opens the device's own web page through
 * the agent's tunnel in a new tab (web-access.tsx). The button shows only
 * where the site has Device Web Access on (its config, as GetSite gives it);
 * whether this person may use it is the RPC's to say, in its own words.
 */
import type { Child } from "hono/jsx";
import type { Device } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import type { PortalContext } from "../portal-context.ts";
import { attempt } from "./attempt.ts";
import { TaskForms } from "./task-form.tsx";
import { WebAccessOpenForm } from "./web-access-form.tsx";

/** What the actions get: the device's listing row and the person's portal context. */
export interface DeviceActionsProps {
  portal: PortalContext;
  device: Pick<Device, "id" | "siteId" | "address">;
}

/** The device's actions section: tasks on its address, and Web access where the site has it. */
export async function DeviceActions(p: DeviceActionsProps): Promise<Child> {
  const d = p.device;
  const site = await attempt(() => p.portal.api.getSite({ site: d.siteId }));
  const config = site.ok ? site.value.config : undefined;
  // Unknown (no right to read the site): offer it and let OpenWebAccess answer.
  const webAccess = !config?.webAccessDisabled;
  return (
    <section class="card actions" id="device-actions" aria-labelledby="actions-h" data-device={d.id}>
      <h2 id="actions-h">Tasks and web access</h2>
      {webAccess ? <WebAccessOpenForm portal={p.portal} site={d.siteId} device={d.id} config={config} prefix="dev" /> : <p class="hint">Device Web Access is off for this site.</p>}
      {d.address ? <TaskForms portal={p.portal} site={d.siteId} address={d.address} prefix="dev" /> : <p>The device has no known address yet: tasks need one.</p>}
    </section>
  );
}
