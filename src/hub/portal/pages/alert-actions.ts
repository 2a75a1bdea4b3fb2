/**
 * The forms of the alerts page (alerts.tsx, alert-channels.tsx): rules
 * created and deleted, channels set (a secret field left empty keeps the
 * hub's), tested (the outcome shown, as the hub words it) and deleted, each
 * as the signed-in person through AdminService (run-change.ts).
 */
import type { PortalCtx } from "../portal-context.ts";
import { renderAlerts } from "./alerts.tsx";
import { type FormStatus, type Shown, fields, runChange } from "./run-change.ts";

const render = (c: PortalCtx) => (shown: Shown, status?: FormStatus) => renderAlerts(c, shown, status);

/** A comma- or space-separated list, bounded. */
const list = (s: string) =>
  s
    .split(/[,\s]+/)
    .map((x) => x.trim())
    .filter(Boolean)
    .slice(0, 50);

/** A number from a form field (0 when empty; NaN when not a number: the RPC says what it needs). */
const num = (s: string) => (s.trim() === "" ? 0 : Number(s));

/** POST /alerts/rules */
export const postCreateRule = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["site", "kind", "percent", "state", "minutes", "channels", "name"], 1000);
    const minutes = num(f.minutes!);
    const { rule } = await c.get("portal").api.createAlertRule({
      site: f.site!,
      kind: f.kind!,
      name: f.name!.trim(),
      percent: num(f.percent!) || 0,
      state: f.state!,
      seconds: Number.isFinite(minutes) && minutes > 0 ? Math.round(minutes * 60) : 0,
      channels: list(f.channels!),
    });
    return { ok: `Rule added: ${rule?.description} on ${rule?.siteName ? `site ${rule.siteName}` : "every site"}, notifying ${rule?.channels.length ? rule.channels.join(", ") : "every channel"}.` };
  });

/** POST /alerts/rules/delete */
export const postDeleteRule = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["rule"], 200);
    const r = await c.get("portal").api.deleteAlertRule({ rule: f.rule! });
    return { ok: `Rule ${r.rule?.name} deleted.${r.resolvedAlerts ? ` Its ${r.resolvedAlerts} open alert(s) are resolved without a notice.` : ""}` };
  });

/** The words of a channel set, with a generated key shown once. */
function channelSet(r: { created: boolean; generatedSecret: string; channel?: { name: string; kind: string } }): Shown {
  const shown: Shown = { ok: `Channel ${r.channel?.name} ${r.created ? "added" : "changed"}.` };
  if (r.generatedSecret) shown.secret = { label: `The HMAC key of ${r.channel?.name}:`, value: r.generatedSecret };
  return shown;
}

/** POST /alerts/channels/webhook */
export const postWebhookChannel = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["name", "url", "allow_http", "secret", "ca_pem"], 32_768);
    const r = await c.get("portal").api.setAlertChannel({
      name: f.name!.trim(),
      settings: { case: "webhook", value: { url: f.url!.trim(), allowHttp: f.allow_http === "1", secret: f.secret!, caPem: f.ca_pem!.trim() } },
    });
    return channelSet(r);
  });

/** POST /alerts/channels/smtp */
export const postSmtpChannel = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["name", "host", "port", "security", "username", "password", "from", "to", "ca_pem"], 32_768);
    const port = num(f.port!);
    if (!Number.isInteger(port) || port < 0 || port > 65_535) return { error: "The port is a number from 1 to 65535, or empty for the usual one." };
    const r = await c.get("portal").api.setAlertChannel({
      name: f.name!.trim(),
      settings: {
        case: "smtp",
        value: { host: f.host!.trim(), port, security: f.security!, username: f.username!.trim(), password: f.password!, from: f.from!.trim(), to: list(f.to!), caPem: f.ca_pem!.trim() },
      },
    });
    return channelSet(r);
  });

/** POST /alerts/channels/test: a real notice; the outcome as the hub words it. */
export const postTestChannel = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["channel"], 200);
    const r = await c.get("portal").api.testAlertChannel({ channel: f.channel! });
    return r.ok ? { ok: `Test notice sent to ${f.channel} in ${r.durationMs} ms.` } : { error: `The test notice to ${f.channel} failed: ${r.error}`, status: 200 };
  });

/** POST /alerts/channels/delete */
export const postDeleteChannel = (c: PortalCtx) =>
  runChange(render(c), async () => {
    const f = await fields(c, ["channel"], 200);
    const r = await c.get("portal").api.deleteAlertChannel({ channel: f.channel! });
    return { ok: `Channel ${r.channel?.name} deleted.` };
  });
