/** @jsxImportSource hono/jsx */
/**
 * The agents part of the site page: each agent's host, version, last poll
 * (offline after max(15 min, 3 poll intervals), as the fleet overview
 * counts), outbox depth, wake line, and state; and activation codes: a new
 * code is shown once, with the command that activates an agent with it
 * (only its hash is kept; it is never shown again).
 */
import { timestampDate } from "@bufbuild/protobuf/wkt";
import type { Agent } from "../../../gen/dca/v1/admin_fleet_pb.ts";
import { CsrfField, Notice } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";
import { agoText, timeText } from "./time-text.ts";

/** A code just made, to show once. */
export interface ShownCode {
  code: string;
  expiresAt: string;
}

/** An agent's state in words. */
export const agentState = (a: Agent) => (a.replacedBy ? `replaced by ${a.replacedBy}` : a.disabled ? "disabled" : "active");

/** Whether an agent has not polled for max(15 min, 3 poll intervals) (or never). */
export function agentOffline(a: Agent, pollSeconds: number, now: number): boolean {
  if (!a.lastPollAt) return true;
  const after = Math.max(900, 3 * (pollSeconds || 300)) * 1000;
  return now - timestampDate(a.lastPollAt).getTime() > after;
}

/** "up", "down", or "unknown" (the hub uses an external broker, or is older). */
export const wakeLine = (a: Agent) => (a.wakeLineUp === undefined ? "unknown" : a.wakeLineUp ? "up" : "down");

/** The agents table. */
export function AgentsTable(p: { agents: Agent[]; pollSeconds: number; now: number }) {
  if (p.agents.length === 0) return <p>No agents yet: make an activation code below and activate an agent with it.</p>;
  return (
    <div class="table-wrap">
      <table>
        <caption class="hint">Agents of the site, oldest first</caption>
        <thead>
          <tr>
            <th scope="col">Host</th>
            <th scope="col">Version</th>
            <th scope="col">Last poll</th>
            <th scope="col">Outbox</th>
            <th scope="col">Wake line</th>
            <th scope="col">State</th>
          </tr>
        </thead>
        <tbody>
          {p.agents.map((a) => {
            const offline = !a.replacedBy && !a.disabled && agentOffline(a, p.pollSeconds, p.now);
            return (
              <tr>
                <td>
                  <a href={`/agents/${encodeURIComponent(a.id)}`}>{a.hostname || a.id}</a>
                </td>
                <td>
                  {a.agentVersion} <span class="hint">{a.platform}</span>
                </td>
                <td class={offline ? "bad" : undefined}>
                  {agoText(a.lastPollAt, p.now)}
                  {offline && " (offline)"}
                </td>
                <td>
                  {a.outboxDepth.toString()} reading(s){a.droppedReadings > 0n && <span class="bad"> , {a.droppedReadings.toString()} dropped</span>}
                </td>
                <td>{wakeLine(a)}</td>
                <td>{agentState(a)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

/** The activation-code form, and the code just made (shown once) with the command that uses it. */
export function CodePart(p: { portal: PortalContext; action: string; shown?: ShownCode }) {
  return (
    <>
      {p.shown && (
        <Notice kind="ok">
          <p>
            Activation code: <code class="activation-code">{p.shown.code}</code> (single use, until {p.shown.expiresAt}). Copy it now: it is not shown again.
          </p>
          <p>On the site's PC:</p>
          <pre class="code">{`dca activate --hub ${p.portal.origin} --code ${p.shown.code}`}</pre>
          <p class="hint">Add --ca-fingerprint sha256:... when the hub's certificate comes from its own CA (dca-hub serve prints the fingerprint). Silent installs (deb, MSI, macOS) take the code as a setting: see the install docs.</p>
        </Notice>
      )}
      <form class="stack" method="post" action={`${p.action}/codes`}>
        <CsrfField portal={p.portal} />
        <div>
          <label for="code-ttl">Valid for</label>
          <select id="code-ttl" name="ttl">
            <option value="3600">1 hour</option>
            <option value="86400">1 day</option>
            <option value="604800" selected>
              7 days
            </option>
            <option value="2592000">30 days</option>
          </select>
        </div>
        <div>
          <button type="submit">Make an activation code</button>
        </div>
      </form>
    </>
  );
}

/** One agent's facts (the agent page). */
export function AgentFacts(p: { a: Agent; now: number }) {
  const a = p.a;
  const rows: [string, string][] = [
    ["Agent", a.id],
    ["Site", a.siteName || a.siteId],
    ["Host", a.hostname],
    ["Version", `${a.agentVersion} (${a.platform})`],
    ["Activated", timeText(a.createdAt)],
    ["Last poll", `${agoText(a.lastPollAt, p.now)}${a.lastPollAt ? ` (${timeText(a.lastPollAt)})` : ""}`],
    ["Wake line", wakeLine(a)],
    ["State", agentState(a)],
    ["Config", `version ${a.configVersion}`],
    ["Outbox", `${a.outboxDepth} reading(s), ${a.outboxBytes} bytes, ${a.droppedReadings} dropped`],
    ["Devices known", String(a.knownDevices)],
    ["Readings received", a.readingsReceived.toString()],
    ["Last error", a.lastError || "-"],
    ["Update", a.updateStatus || "-"],
    ["Install", a.installId],
    ["SSH key", a.sshKeyFingerprint ? `${a.sshKeyFingerprint} (ED25519)` : "- (sent at its next poll by an agent that has Device Web Access)"],
  ];
  return (
    <dl class="facts">
      {rows.map(([k, v]) => (
        <>
          <dt>{k}</dt>
          <dd>{v}</dd>
        </>
      ))}
    </dl>
  );
}
