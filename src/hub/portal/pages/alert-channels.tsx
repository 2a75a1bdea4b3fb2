/** @jsxImportSource hono/jsx */
/**
 * The channels part of the alerts page: the hub's webhook and SMTP
 * channels as ListAlertChannels answers them (never a secret; of a webhook
 * only its origin), a test button and a delete button for each, and the
 * forms that add or change one. Secret fields are write-only: left empty
 * they keep the hub's secret (a new webhook gets one the hub makes, shown
 * once). For someone who may not manage channels, the RPC's refusal.
 */
import type { AlertChannel } from "../../../gen/dca/v1/admin_alerts_pb.ts";
import { CsrfField, Notice } from "../layout.tsx";
import type { PortalContext } from "../portal-context.ts";
import { when } from "./run-change.ts";

/** The channels, or the RPC's refusal to list them. */
export type ChannelsShown = { channels: AlertChannel[]; refused?: undefined } | { refused: string };

const where = (c: AlertChannel) =>
  c.kind === "webhook" ? `${c.webhookOrigin}${c.allowHttp ? " (http allowed)" : ""}` : `${c.smtpHost}:${c.smtpPort} ${c.smtpSecurity}, from ${c.smtpFrom} to ${c.smtpTo.join(", ")}`;

/** A form posting one button about one channel. */
function ChannelButton(p: { portal: PortalContext; action: string; channel: string; label: string; kind?: string }) {
  return (
    <form method="post" action={p.action} class="inline">
      <CsrfField portal={p.portal} />
      <input type="hidden" name="channel" value={p.channel} />
      <button type="submit" class={p.kind ?? "secondary"} aria-label={`${p.label} the channel ${p.channel}`}>
        {p.label}
      </button>
    </form>
  );
}

function Field(p: { id: string; name: string; label: string; type?: string; hint?: string; required?: boolean }) {
  return (
    <div>
      <label for={p.id}>
        {p.label} {p.hint && <span class="hint">{p.hint}</span>}
      </label>
      <input id={p.id} name={p.name} type={p.type ?? "text"} required={p.required} maxlength={2048} autocomplete="off" />
    </div>
  );
}

function CaField(p: { id: string }) {
  return (
    <div>
      <label for={p.id}>
        CA certificates (PEM) <span class="hint">(optional: the peer's certificate is checked against these instead of the system's)</span>
      </label>
      <textarea id={p.id} name="ca_pem" rows={3}></textarea>
    </div>
  );
}

/** The channels section. */
export function ChannelsSection(p: { portal: PortalContext; shown: ChannelsShown }) {
  if (p.shown.refused !== undefined) {
    return (
      <section class="card" aria-labelledby="channels-h">
        <h2 id="channels-h">Channels</h2>
        <Notice kind="error">{p.shown.refused}</Notice>
      </section>
    );
  }
  const channels = p.shown.channels;
  return (
    <section class="card" aria-labelledby="channels-h">
      <h2 id="channels-h">Channels</h2>
      <div class="table-wrap">
        <table>
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Kind</th>
              <th scope="col">Where</th>
              <th scope="col">Secret</th>
              <th scope="col">Last sent</th>
              <th scope="col">Last error</th>
              <th scope="col" class="num">Pending</th>
              <th scope="col" class="num">Failed</th>
              <th scope="col">
                <span class="sr-only">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {channels.length === 0 && (
              <tr>
                <td colspan={9}>No channels yet: alerts are kept here but nobody is told.</td>
              </tr>
            )}
            {channels.map((c) => (
              <tr>
                <td>{c.name}</td>
                <td>{c.kind}</td>
                <td>{where(c)}</td>
                <td>{c.secretSet ? "set" : "-"}</td>
                <td>{when(c.lastOkAt)}</td>
                <td>{c.lastError ? `${when(c.lastErrorAt)}: ${c.lastError}` : "-"}</td>
                <td class="num">{c.pendingDeliveries}</td>
                <td class="num">{c.failedDeliveries}</td>
                <td>
                  <ChannelButton portal={p.portal} action="/alerts/channels/test" channel={c.name} label="Test" />{" "}
                  <ChannelButton portal={p.portal} action="/alerts/channels/delete" channel={c.name} label="Delete" kind="danger" />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <h3>Webhook</h3>
      <p class="hint">Adds a channel, or changes the one of that name. Each notice is signed with HMAC-SHA256 (X-Dca-Signature).</p>
      <form class="stack" method="post" action="/alerts/channels/webhook">
        <CsrfField portal={p.portal} />
        <Field id="wh-name" name="name" label="Name" required />
        <Field id="wh-url" name="url" label="URL" type="url" hint="(https://; http:// only to this machine, or allowed below)" required />
        <div>
          <input id="wh-http" name="allow_http" type="checkbox" value="1" />{" "}
          <label for="wh-http" class="inline">
            Allow plain http:// to another machine
          </label>
        </div>
        <Field id="wh-secret" name="secret" label="HMAC key" type="password" hint="(empty: the hub's key is kept, or a new channel gets one, shown once)" />
        <CaField id="wh-ca" />
        <div>
          <button type="submit">Save the webhook</button>
        </div>
      </form>
      <h3>E-mail (SMTP)</h3>
      <form class="stack" method="post" action="/alerts/channels/smtp">
        <CsrfField portal={p.portal} />
        <Field id="smtp-name" name="name" label="Name" required />
        <Field id="smtp-host" name="host" label="Relay host" required />
        <Field id="smtp-port" name="port" label="Port" type="number" hint="(empty: 587, or 465 with TLS)" />
        <div>
          <label for="smtp-security">Security</label>
          <select id="smtp-security" name="security">
            <option value="starttls">STARTTLS</option>
            <option value="tls">TLS from the start</option>
            <option value="none">none</option>
          </select>
        </div>
        <Field id="smtp-user" name="username" label="Username" hint="(empty: no sign-in)" />
        <Field id="smtp-password" name="password" label="Password" type="password" hint="(empty: the hub's is kept)" />
        <Field id="smtp-from" name="from" label="From" type="email" required />
        <Field id="smtp-to" name="to" label="To" hint="(addresses, separated by commas)" required />
        <CaField id="smtp-ca" />
        <div>
          <button type="submit">Save the e-mail channel</button>
        </div>
      </form>
    </section>
  );
}
