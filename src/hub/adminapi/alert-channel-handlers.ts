/**
 * AdminService: alert channels (the `alert channel` commands; docs/alerts.md).
 * Channels are the hub's (alert.channel, from a global grant). Secrets are
 * write-only: a webhook given no secret gets one made by the hub and shown
 * once; a change that gives none keeps the kept one. The audit record names
 * the channel, its kind and where it goes (a webhook's origin), never a
 * secret or a webhook's path.
 */
import { randomBytes } from "node:crypto";
import type { ServiceImpl } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import type { SetAlertChannelRequest } from "../../gen/dca/v1/admin_alerts_pb.ts";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import {
  type ChannelSender,
  MIN_SECRET_LENGTH,
  checkChannelName,
  checkSmtp,
  checkWebhook,
  newWebhookSecret,
  scrub,
  sendToChannel,
} from "../alerts/index.ts";
import { type AlertChannel, type AlertStore, type ChannelSettings, type SmtpSecurity, StoreError } from "../store/index.ts";
import { note } from "./admin-call.ts";
import { alertChannelToProto } from "./alert-to-proto.ts";

type ChannelMethods = "listAlertChannels" | "setAlertChannel" | "deleteAlertChannel" | "testAlertChannel";

/** What the channel handlers need. */
export interface AlertChannelDeps {
  store: Pick<AlertStore, "listAlertChannels" | "getAlertChannel" | "setAlertChannel" | "deleteAlertChannel" | "channelForSending" | "recordAlertChannelTest">;
  /** How a test notice is sent (tests put their own); the real senders by default. */
  send?: ChannelSender;
  now: () => number;
  monotonic: () => number;
}

/** Longest secret taken. */
const MAX_SECRET = 1024;

function secretArg(secret: string, what: string): string | undefined {
  if (secret === "") return undefined;
  if (secret.length > MAX_SECRET) throw new DcaError("invalid-argument", `the ${what} is over ${MAX_SECRET} characters`);
  return secret;
}

/** The settings and secret a request asks for, checked against what the channel has now. */
function settingsOf(req: SetAlertChannelRequest, old: AlertChannel | undefined): { settings: ChannelSettings; secret?: string; made?: string } {
  const s = req.settings;
  if (s.case === "webhook") {
    const webhook = checkWebhook({ url: s.value.url, allowHttp: s.value.allowHttp, caPem: s.value.caPem });
    const given = secretArg(s.value.secret, "webhook secret");
    if (given !== undefined && given.length < MIN_SECRET_LENGTH) throw new DcaError("invalid-argument", `a webhook secret has at least ${MIN_SECRET_LENGTH} characters (leave it out and the hub makes one)`);
    const made = given === undefined && !old?.secretSet ? newWebhookSecret() : undefined;
    return { settings: { kind: "webhook", webhook }, secret: given ?? made, made };
  }
  if (s.case === "smtp") {
    const password = secretArg(s.value.password, "SMTP password");
    const username = s.value.username.trim();
    const keeps = password === undefined && old?.settings.kind === "smtp" && old.secretSet && username !== "";
    const smtp = checkSmtp(
      { host: s.value.host, port: s.value.port, security: (s.value.security.trim() || "starttls") as SmtpSecurity, username, from: s.value.from, to: s.value.to, caPem: s.value.caPem },
      password !== undefined || keeps,
    );
    // Without a username there is no sign-in: a kept password is dropped.
    return { settings: { kind: "smtp", smtp }, secret: username === "" ? "" : password };
  }
  throw new DcaError("invalid-argument", "give the channel's settings: a webhook or an SMTP relay");
}

/** Where a channel sends, for the audit record (never a secret, never a webhook's path). */
const whereOf = (s: ChannelSettings): Record<string, unknown> =>
  s.kind === "webhook" ? { kind: "webhook", origin: new URL(s.webhook.url).origin, allowHttp: s.webhook.allowHttp } : { kind: "smtp", host: s.smtp.host, port: s.smtp.port, security: s.smtp.security, to: s.smtp.to };

/** The alert channel methods. */
export function createAlertChannelHandlers(deps: AlertChannelDeps): Pick<ServiceImpl<typeof AdminService>, ChannelMethods> {
  const { store } = deps;
  const channelArg = (idOrName: string): AlertChannel => {
    const name = idOrName.trim();
    if (!name) throw new DcaError("invalid-argument", 'which alert channel? give its name (see "dca-hub alert channel list")');
    const c = name.length <= 128 ? store.getAlertChannel(name) : undefined;
    if (!c) throw new StoreError("not-found", `unknown alert channel "${name.slice(0, 128)}"; see "dca-hub alert channel list"`);
    return c;
  };
  return {
    listAlertChannels() {
      return { channels: store.listAlertChannels().map(alertChannelToProto) };
    },

    setAlertChannel(req, ctx) {
      const name = checkChannelName(req.name);
      const old = store.getAlertChannel(name);
      const { settings, secret, made } = settingsOf(req, old);
      const { channel, created } = store.setAlertChannel({ name, settings, secret });
      note(ctx, { target: `alert channel ${channel.name}`, detail: { ...whereOf(settings), created, secretChanged: secret !== undefined } });
      return { channel: alertChannelToProto(channel), created, generatedSecret: made ?? "" };
    },

    deleteAlertChannel(req, ctx) {
      const c = channelArg(req.channel);
      note(ctx, { target: `alert channel ${c.name}` });
      const gone = store.deleteAlertChannel(c.id);
      if (!gone) throw new StoreError("not-found", `unknown alert channel "${c.name}"`);
      return { channel: alertChannelToProto(gone) };
    },

    async testAlertChannel(req, ctx) {
      const c = channelArg(req.channel);
      const sending = store.channelForSending(c.id)!;
      note(ctx, { target: `alert channel ${c.name}`, detail: whereOf(c.settings) });
      const start = deps.monotonic();
      const deliveryId = `test-${randomBytes(6).toString("hex")}`;
      try {
        await (deps.send ?? sendToChannel)(sending, { event: "test", deliveryId, channelName: c.name }, { nowMs: deps.now() });
        store.recordAlertChannelTest(c.id, { ok: true });
        return { ok: true, error: "", durationMs: Math.round(deps.monotonic() - start) };
      } catch (e) {
        const error = scrub(DcaError.from(e).message, sending.secret);
        store.recordAlertChannelTest(c.id, { ok: false, error });
        note(ctx, { outcome: "failed", detail: { ...whereOf(c.settings), error } });
        return { ok: false, error, durationMs: Math.round(deps.monotonic() - start) };
      }
    },
  };
}
