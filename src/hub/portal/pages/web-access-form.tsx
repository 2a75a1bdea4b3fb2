/** @jsxImportSource hono/jsx */
/**
 * The form that opens Device Web Access in a new tab (web-access.tsx
 * answers it there): for a known device (its id, on the device's actions)
 * or for any address inside the site's targets (on the site page), on one
 * of the ports the site allows, for a while.
 */
import type { AgentConfig } from "../../../gen/dca/v1/agent_service_pb.ts";
import { CsrfField } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";

/** Ports open to web access everywhere; a site may allow more. */
const DEFAULT_PORTS = [80, 443, 8000];

/** The open form: `device` fixed (a device's id), or an address to type. */
export function WebAccessOpenForm(p: { portal: PortalContext; site: string; device?: string; config?: AgentConfig; prefix: string }) {
  const ports = [...new Set([...DEFAULT_PORTS, ...(p.config?.webAccessPorts ?? [])])];
  const id = (f: string) => `${p.prefix}-wa-${f}`;
  return (
    <form method="post" action="/web-access/open" target="_blank" class="web-access-open">
      <CsrfField portal={p.portal} />
      <input type="hidden" name="site" value={p.site} />
      {p.device ? (
        <input type="hidden" name="device" value={p.device} />
      ) : (
        <div>
          <label for={id("address")}>
            Address <span class="hint">(inside the site's targets)</span>
          </label>
          <input id={id("address")} name="device" type="text" required />
        </div>
      )}
      <div>
        <label for={id("port")}>Port</label>
        <select id={id("port")} name="port">
          {ports.map((port) => (
            <option value={String(port)}>{port === 443 || port === 8443 ? `${port} (HTTPS)` : String(port)}</option>
          ))}
        </select>
      </div>
      <div>
        <label for={id("minutes")}>For</label>
        <select id={id("minutes")} name="minutes">
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
      </div>
      <p class="hint">Opens the device's own web page through the site's agent, in a new tab.</p>
    </form>
  );
}
