/** @jsxImportSource hono/jsx */
/**
 * The parts of the site page that change a site's agent config: targets and
 * exclusions, SNMP credentials (names and kinds only: GetSite answers the
 * config with every secret redacted, and the add form's secret inputs are
 * password fields that are never filled in again), the schedule and the
 * SNMP settings. Each form posts to /sites/:id/<part> (site-actions.ts).
 */
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS } from "../../../common/credential.ts";
import type { AgentConfig } from "../../../gen/dca/v1/agent_service_pb.ts";
import { describeSnmpCredential } from "../../admin/redact-config.ts";
import { CsrfField } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";

/** Seconds as a duration the forms take back ("8h"), "" for the default. */
const dur = (s: number) => (s === 0 ? "" : s % 86_400 === 0 ? `${s / 86_400}d` : s % 3600 === 0 ? `${s / 3600}h` : s % 60 === 0 ? `${s / 60}m` : `${s}s`);
const ms = (v: number) => (v === 0 ? "" : v % 1000 === 0 ? `${v / 1000}s` : `${v}ms`);
const num = (v: number) => (v === 0 ? "" : String(v));

type FormProps = { portal: PortalContext; action: string; config: AgentConfig };

function Input(p: { id: string; label: string; hint?: string; value?: string; type?: string; placeholder?: string; autocomplete?: string }) {
  return (
    <div>
      <label for={p.id}>
        {p.label}
        {p.hint && <span class="hint"> {p.hint}</span>}
      </label>
      <input id={p.id} name={p.id.replace(/^[a-z]+-/, "").replaceAll("-", "_")} type={p.type ?? "text"} value={p.value} placeholder={p.placeholder} autocomplete={p.autocomplete} />
    </div>
  );
}

/** Targets and exclusions. */
export function TargetsForm(p: FormProps) {
  return (
    <form class="stack" method="post" action={`${p.action}/targets`}>
      <CsrfField portal={p.portal} />
      <div>
        <label for="targets">
          Targets <span class="hint">(addresses, CIDR blocks, ranges a-b, host names; one per line or comma-separated)</span>
        </label>
        <textarea id="targets" name="targets" rows={4}>
          {p.config.targets.join("\n")}
        </textarea>
      </div>
      <div>
        <label for="exclude">
          Exclude <span class="hint">(the same forms; never scanned)</span>
        </label>
        <textarea id="exclude" name="exclude" rows={2}>
          {p.config.exclude.join("\n")}
        </textarea>
      </div>
      <div>
        <input id="allow-large" name="allow_large" type="checkbox" value="1" />{" "}
        <label for="allow-large" class="inline">
          Allow more than 65,536 addresses
        </label>
      </div>
      <div>
        <button type="submit">Save targets</button>
      </div>
    </form>
  );
}

/** The credentials (names and kinds), each with a remove button, and the add form. */
export function CredentialsPart(p: FormProps) {
  const creds = p.config.credentials;
  return (
    <>
      {creds.length === 0 ? (
        <p>No SNMP credentials yet: agents cannot read devices until one is added.</p>
      ) : (
        <table>
          <caption class="hint">Tried in this order; secrets are never shown</caption>
          <thead>
            <tr>
              <th scope="col">#</th>
              <th scope="col">Credential</th>
              <th scope="col">
                <span class="sr-only">Action</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {creds.map((c, i) => (
              <tr>
                <td>{i + 1}</td>
                <td>{describeSnmpCredential(c)}</td>
                <td>
                  <form method="post" action={`${p.action}/credentials/remove`} class="inline">
                    <CsrfField portal={p.portal} />
                    <input type="hidden" name="name" value={c.name} />
                    <button type="submit" class="secondary" aria-label={`Remove the credential ${c.name}`}>
                      Remove
                    </button>
                  </form>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <details class="add-credential" open={creds.length === 0}>
        <summary>Add a credential</summary>
        <form class="stack" method="post" action={`${p.action}/credentials`} autocomplete="off">
          <CsrfField portal={p.portal} />
          <Input id="cred-name" label="Name" hint="(shown in readings instead of the secret)" />
          <div>
            <label for="cred-version">Kind</label>
            <select id="cred-version" name="version">
              <option value="v2c">SNMP v2c community</option>
              <option value="v1">SNMP v1 community</option>
              <option value="v3">SNMP v3 user</option>
            </select>
          </div>
          <Input id="cred-community" label="Community" hint="(v1, v2c)" type="password" autocomplete="new-password" />
          <Input id="cred-user" label="v3 user" />
          <div>
            <label for="cred-auth-protocol">v3 authentication</label>
            <select id="cred-auth-protocol" name="auth_protocol">
              <option value="">none (noAuth)</option>
              {AUTH_PROTOCOLS.map((a) => (
                <option value={a}>{a}</option>
              ))}
            </select>
          </div>
          <Input id="cred-auth-password" label="v3 authentication password" type="password" autocomplete="new-password" />
          <div>
            <label for="cred-priv-protocol">v3 privacy</label>
            <select id="cred-priv-protocol" name="priv_protocol">
              <option value="">none (noPriv)</option>
              {PRIV_PROTOCOLS.map((a) => (
                <option value={a}>{a}</option>
              ))}
            </select>
          </div>
          <Input id="cred-priv-password" label="v3 privacy password" type="password" autocomplete="new-password" />
          <Input id="cred-context" label="v3 context" hint="(optional)" />
          <div>
            <button type="submit">Add the credential</button>
          </div>
        </form>
      </details>
    </>
  );
}

/** Discovery, read and poll intervals. */
export function ScheduleForm(p: FormProps) {
  const c = p.config;
  return (
    <form class="stack" method="post" action={`${p.action}/schedule`}>
      <CsrfField portal={p.portal} />
      <p class="hint">Durations such as 30s, 5m, 1h, 8h, 1d; 0 for the agents' default (discovery 3 times a day, reads hourly, polls every 5 minutes).</p>
      <Input id="sched-discovery" label="Discovery every" value={dur(c.discoveryIntervalSeconds)} placeholder="default" />
      <Input id="sched-read" label="Read devices every" value={dur(c.readIntervalSeconds)} placeholder="default" />
      <Input id="sched-poll" label="Agents poll every" value={dur(c.pollIntervalSeconds)} placeholder="default" />
      <div>
        <button type="submit">Save the schedule</button>
      </div>
    </form>
  );
}

/** The SNMP settings (empty: unchanged; 0: the agents' default). */
export function SnmpForm(p: FormProps) {
  const s = p.config.snmp;
  return (
    <form class="stack" method="post" action={`${p.action}/snmp`}>
      <CsrfField portal={p.portal} />
      <p class="hint">0 for the agents' default. Times as 500ms, 2s.</p>
      <div class="grid">
        <Input id="snmp-port" label="Port" value={num(s?.port ?? 0)} placeholder="161" />
        <Input id="snmp-timeout" label="Timeout" value={ms(s?.timeoutMs ?? 0)} placeholder="default" />
        <Input id="snmp-retries" label="Retries" value={num(s?.retries ?? 0)} placeholder="default" />
        <Input id="snmp-concurrency" label="Concurrency" value={num(s?.concurrency ?? 0)} placeholder="default" />
        <Input id="snmp-rate" label="Rate (requests/s)" value={num(s?.rate ?? 0)} placeholder="default" />
        <Input id="snmp-read-concurrency" label="Read concurrency" value={num(s?.readConcurrency ?? 0)} placeholder="default" />
        <Input id="snmp-sweep-timeout" label="Sweep timeout" value={ms(s?.sweepTimeoutMs ?? 0)} placeholder="1s" />
        <Input id="snmp-read-deadline" label="Read deadline" value={ms(s?.readDeadlineMs ?? 0)} placeholder="60s" />
      </div>
      <div>
        <button type="submit">Save SNMP settings</button>
      </div>
    </form>
  );
}
