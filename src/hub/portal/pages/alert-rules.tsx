/** @jsxImportSource hono/jsx */
/**
 * The rules part of the alerts page: the rules ListAlertRules answers (the
 * global ones and those of the sites the person may see), a delete button
 * each, and the form that adds one, global or for a site (a global rule
 * needs alert.write from a global grant: the RPC says so otherwise).
 */
import type { AlertRule } from "../../../gen/dca/v1/admin_alerts_pb.ts";
import type { SiteSummary } from "../../../gen/dca/v1/admin_sites_pb.ts";
import { CsrfField } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";

/** The rule kinds and what each watches. */
const KINDS: [string, string][] = [
  ["supply-below", "a supply below a percentage"],
  ["supply-state", "a supply low or empty"],
  ["not-read", "a device not read for a time"],
  ["agent-offline", "an agent offline for a time"],
  ["counter-flagged", "a counter flagged (an odd jump) recently"],
  ["device-error", "a device in error for a time"],
];

/** The rules section; `channels` are the names offered (undefined: the person may not list channels). */
export function Rules(p: { portal: PortalContext; rules: AlertRule[]; sites: SiteSummary[]; channels: string[] | undefined }) {
  return (
    <section class="card" aria-labelledby="rules-h">
      <h2 id="rules-h">Rules</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Where</th>
              <th scope="col">Rule</th>
              <th scope="col">Name</th>
              <th scope="col">Notifies</th>
              <th scope="col" class="num">Open</th>
              <th scope="col">
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {p.rules.length === 0 && (
              <tr>
                <td colspan={6}>No rules yet.</td>
              </tr>
            )}
            {p.rules.map((r) => (
              <tr>
                <td>{r.siteName || "every site"}</td>
                <td>{r.description}</td>
                <td>{r.name === r.description ? "" : r.name}</td>
                <td>{r.channels.join(", ") || "every channel"}</td>
                <td class="num">{r.openAlerts}</td>
                <td>
                  <form method="post" action="/alerts/rules/delete" class="inline">
                    <CsrfField portal={p.portal} />
                    <input type="hidden" name="rule" value={r.id} />
                    <button type="submit" class="secondary" aria-label={`Delete the rule ${r.name}`}>
                      Delete
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Add a rule</h3>
      <form class="stack" method="post" action="/alerts/rules">
        <CsrfField portal={p.portal} />
        <div>
          <label for="rule-site">Where</label>
          <select id="rule-site" name="site">
            <option value="">every site (a global rule)</option>
            {p.sites.map((s) => (
              <option value={s.site?.id}>{`site ${s.site?.name}`}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="rule-kind">Alert on</label>
          <select id="rule-kind" name="kind">
            {KINDS.map(([k, words]) => (
              <option value={k}>{`${k}: ${words}`}</option>
            ))}
          </select>
        </div>
        <div>
          <label for="rule-percent">Percent <span class="hint">(supply-below)</span></label>
          <input id="rule-percent" name="percent" type="number" min={1} max={100} step="any" />
        </div>
        <div>
          <label for="rule-state">State <span class="hint">(supply-state)</span></label>
          <select id="rule-state" name="state">
            <option value="low">low or empty</option>
            <option value="empty">empty (or a waste receptacle full)</option>
          </select>
        </div>
        <div>
          <label for="rule-minutes">For how many minutes <span class="hint">(not-read, agent-offline, device-error; counter-flagged: how recent)</span></label>
          <input id="rule-minutes" name="minutes" type="number" min={1} max={525600} />
        </div>
        <div>
          <label for="rule-channels">Notify <span class="hint">(channel names, separated by commas; empty: every channel)</span></label>
          <input id="rule-channels" name="channels" type="text" list="channel-names" maxlength={1000} />
          {p.channels && (
            <datalist id="channel-names">
              {p.channels.map((n) => (
                <option value={n} />
              ))}
            </datalist>
          )}
        </div>
        <div>
          <label for="rule-name">Name <span class="hint">(optional: the rule in words)</span></label>
          <input id="rule-name" name="name" type="text" maxlength={100} />
        </div>
        <div>
          <button type="submit">Add the rule</button>
        </div>
      </form>
    </section>
  );
}

