/** @jsxImportSource hono/jsx */
/**
 * The device page's actions: where tasks (read now, ping, SNMP test...) and
 * the "Web access" button go. A placeholder until the tasks pages replace
 * this file's body (the device page only renders `<DeviceActions>` with the
 * device and the person's portal context, and knows nothing of tasks).
 */
import type { Device } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import type { PortalContext } from "../portal-context.ts";

/** What the actions get: the device's listing row and the person's portal context. */
export interface DeviceActionsProps {
  portal: PortalContext;
  device: Device;
}

/** The device's actions section (placeholder: tasks and web access come here). */
export function DeviceActions(p: DeviceActionsProps) {
  return (
    <section class="card actions" id="device-actions" aria-labelledby="actions-h" data-device={p.device.id}>
      <h2 id="actions-h">Tasks and web access</h2>
      <p class="hint">Tasks for this device (read now, ping, SNMP test) and its web page through the agent come here.</p>
    </section>
  );
}
