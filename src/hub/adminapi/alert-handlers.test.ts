import { describe, expect, test } from "bun:test";
import { createRouterTransport } from "@connectrpc/connect";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { makeReading, outbox } from "../../../test/support/hub-store-fixtures.ts";
import { DcaError } from "../../common/errors.ts";
import { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { bearerInterceptor, createAdminClient } from "../admin/admin-client.ts";
import type { ChannelSender, Notice } from "../alerts/index.ts";
import { createAlertEvaluator } from "../alerts/index.ts";
import type { ChannelForSending } from "../store/index.ts";
import { refused, twoSites } from "./testdata/two-sites.ts";
import { createAdminHandlers, guardAdminService, storeAdminAuth, storeAudit } from "./index.ts";

/** A message as text, to look for what must not be in it. */
const text = (m: unknown) => JSON.stringify(m, (_k, v) => (typeof v === "bigint" ? String(v) : v));
const webhook = (url: string, secret = "") => ({ case: "webhook" as const, value: { url, secret, allowHttp: false, caPem: "" } });
const smtp = (more: Record<string, unknown> = {}) => ({
  case: "smtp" as const,
  value: { host: "mail.dealer.test", port: 0, security: "", username: "alerts", password: "", from: "dca@dealer.test", to: ["ops@dealer.test"], caPem: "", ...more },
});

describe("alert channels over AdminService", () => {
  test("a webhook's secret is made once and never shown again; its URL only by its origin", async () => {
    const { h } = twoSites();
    const made = await h.api.setAlertChannel({ name: "ops", settings: webhook("https://hooks.dealer.test/T000/B000/tokenpart?x=1") });
    expect(made.created).toBe(true);
    expect(made.generatedSecret).toMatch(/^[\w-]{43}$/);
    expect(made.channel).toMatchObject({ name: "ops", kind: "webhook", webhookOrigin: "https://hooks.dealer.test", secretSet: true });
    const listed = await h.api.listAlertChannels({});
    expect(text(listed)).not.toContain("tokenpart");
    expect(text(listed)).not.toContain(made.generatedSecret);
    // A change without a secret keeps it (nothing made again); the channel sends with it.
    const changed = await h.api.setAlertChannel({ name: "OPS", settings: webhook("https://hooks.dealer.test/other") });
    expect(changed).toMatchObject({ created: false, generatedSecret: "" });
    expect(h.store.channelForSending(made.channel!.id)!.secret).toBe(made.generatedSecret);
    await h.api.setAlertChannel({ name: "ops", settings: webhook("https://hooks.dealer.test/other", "my-own-secret-of-20-chars") });
    expect(h.store.channelForSending(made.channel!.id)!.secret).toBe("my-own-secret-of-20-chars");
    // The audit log names the origin, never the path or a secret.
    const audit = JSON.stringify(h.store.listAudit({ limit: 50 }));
    expect(audit).toContain("https://hooks.dealer.test");
    for (const hidden of ["tokenpart", "other", made.generatedSecret, "my-own-secret"]) expect(audit).not.toContain(hidden);
  });

  test("refusals: plain http off loopback, a short secret, another kind under the same name, a channel a rule names", async () => {
    const { h } = twoSites();
    expect((await refused(h.api.setAlertChannel({ name: "x", settings: webhook("http://hooks.dealer.test/") }), "invalid-argument")).message).toBe(
      "the webhook URL is plain http to hooks.dealer.test: give an https:// URL, or --allow-http to send notices unencrypted",
    );
    await refused(h.api.setAlertChannel({ name: "x", settings: webhook("https://h.test/", "short") }), "invalid-argument");
    await refused(h.api.setAlertChannel({ name: "bad name!", settings: webhook("https://h.test/") }), "invalid-argument");
    await h.api.setAlertChannel({ name: "ops", settings: webhook("https://h.test/") });
    expect((await refused(h.api.setAlertChannel({ name: "ops", settings: smtp({ password: "pw" }) }), "failed-precondition")).message).toMatch(/is a webhook channel/);
    const rule = await h.api.createAlertRule({ kind: "supply-below", percent: 5, channels: ["ops"] });
    expect(rule.rule!.channels).toEqual(["ops"]);
    expect((await refused(h.api.deleteAlertChannel({ channel: "ops" }), "failed-precondition")).message).toBe(
      `alert channel "ops" is named by rule ${rule.rule!.id}; delete those rules first (dca-hub alert rule rm)`,
    );
    await h.api.deleteAlertRule({ rule: rule.rule!.id });
    expect((await h.api.deleteAlertChannel({ channel: "ops" })).channel!.name).toBe("ops");
    await refused(h.api.deleteAlertChannel({ channel: "ops" }), "not-found");
  });

  test("SMTP: STARTTLS by default, the password write-only, kept on change, dropped with the username; none off loopback never with a password", async () => {
    const { h } = twoSites();
    const c = await h.api.setAlertChannel({ name: "mail", settings: smtp({ password: "relay-pw-1" }) });
    expect(c.channel).toMatchObject({ kind: "smtp", smtpHost: "mail.dealer.test", smtpPort: 587, smtpSecurity: "starttls", smtpUsername: "alerts", secretSet: true });
    expect(text(await h.api.listAlertChannels({}))).not.toContain("relay-pw-1");
    await h.api.setAlertChannel({ name: "mail", settings: smtp({ to: ["a@dealer.test", "b@dealer.test"] }) });
    expect(h.store.channelForSending(c.channel!.id)!.secret).toBe("relay-pw-1");
    const anon = await h.api.setAlertChannel({ name: "mail", settings: smtp({ username: "" }) });
    expect(anon.channel!.secretSet).toBe(false);
    await refused(h.api.setAlertChannel({ name: "mail2", settings: smtp({ security: "none", password: "pw" }) }), "invalid-argument");
    await refused(h.api.setAlertChannel({ name: "mail2", settings: smtp({ to: [] }) }), "invalid-argument");
    await refused(h.api.setAlertChannel({ name: "mail2", settings: smtp({ to: ["not an address"] }) }), "invalid-argument");
    expect((await h.api.setAlertChannel({ name: "local", settings: smtp({ host: "127.0.0.1", port: 25, security: "none", username: "" }) })).channel!.smtpSecurity).toBe("none");
  });

  test("a channel test sends a test notice and reports, without throwing, what went wrong", async () => {
    const sent: { channel: ChannelForSending; notice: Notice }[] = [];
    let fail = false;
    const send: ChannelSender = async (channel, notice) => {
      if (fail) throw new DcaError("unavailable", `webhook https://h.test answered 500: key ${channel.secret}`);
      sent.push({ channel, notice });
    };
    const h = adminHarness();
    const service = guardAdminService({ service: createAdminHandlers({ store: h.store, alertSender: send }), auth: storeAdminAuth(h.store), audit: storeAudit(h.store) });
    const token = h.store.createSession({ userId: h.store.getUserByUsername("owner")!.id, method: "password", address: "127.0.0.1", client: "t" }).token;
    const api = createAdminClient(createRouterTransport(({ service: s }) => s(AdminService, service), { transport: { interceptors: [bearerInterceptor(token)] } }), "in-process hub");
    await api.setAlertChannel({ name: "ops", settings: webhook("https://h.test/x", "a-secret-of-twenty-chars") });
    expect(await api.testAlertChannel({ channel: "ops" })).toMatchObject({ ok: true, error: "" });
    expect(sent[0]!.notice).toMatchObject({ event: "test", channelName: "ops", deliveryId: expect.stringMatching(/^test-[0-9a-f]{12}$/) });
    fail = true;
    const r = await api.testAlertChannel({ channel: "ops" });
    expect(r).toMatchObject({ ok: false, error: "webhook https://h.test answered 500: key <secret>" });
    expect((await api.listAlertChannels({})).channels[0]).toMatchObject({ lastError: "webhook https://h.test answered 500: key <secret>" });
    await refused(api.testAlertChannel({ channel: "nope" }), "not-found");
  });
});

describe("alert rules and alerts over AdminService", () => {
  test("a site admin makes rules for the site, not global ones; listings show global rules and one's own sites", async () => {
    const { h, a, b } = twoSites();
    const siteAdmin = h.as("admin", "A");
    const viewerB = h.as("viewer", "B");
    const global = await h.api.createAlertRule({ kind: "agent-offline", seconds: 1800, name: "agents" });
    expect(global.rule).toMatchObject({ siteId: "", name: "agents", description: "agent offline for 30m", createdBy: "owner", channels: [] });
    const mine = await siteAdmin.createAlertRule({ site: "A", kind: "supply-state" });
    expect(mine.rule).toMatchObject({ siteName: "A", state: "low", name: "supply low or empty" });
    expect((await refused(siteAdmin.createAlertRule({ kind: "not-read", seconds: 3600 }))).message).toMatch(/may not create or delete alert rules of .*global alert rules/);
    await refused(siteAdmin.createAlertRule({ site: "B", kind: "not-read", seconds: 3600 }));
    await refused(siteAdmin.deleteAlertRule({ rule: global.rule!.id }));
    await refused(h.api.createAlertRule({ kind: "not-read", seconds: 10 }), "invalid-argument");
    await refused(h.api.createAlertRule({ kind: "toner", percent: 10 }), "invalid-argument");
    await refused(h.api.createAlertRule({ kind: "supply-below", percent: 10, channels: ["nope"] }), "not-found");
    expect((await viewerB.listAlertRules({})).rules.map((r) => r.id)).toEqual([global.rule!.id]);
    expect((await siteAdmin.listAlertRules({})).rules.map((r) => r.id)).toEqual([global.rule!.id, mine.rule!.id]);
    await refused(viewerB.listAlertRules({ site: "A" }));
    // Alerts: each sees its own sites' only.
    h.store.storeReadings(h.store.getAgent(b.agentId)!, [outbox("low-b", makeReading({ address: "127.0.1.9", readAt: h.clock.ms, supplies: [{ description: "K", percent: 1 }] }))]);
    h.store.createAlertRule({ name: "low", kind: "supply-below", percent: 10, channelIds: [], createdBy: "t" });
    createAlertEvaluator(h.store).evaluate(h.clock.now() + 3 * 3600_000);
    const all = (await h.api.listAlerts({})).alerts;
    expect(all.map((x) => x.siteName).sort()).toEqual(["A", "B", "B"]);
    expect((await viewerB.listAlerts({})).alerts.every((x) => x.siteId === b.id)).toBe(true);
    expect((await siteAdmin.listAlerts({ state: "open" })).alerts.map((x) => [x.siteId, x.subjectKind])).toEqual([[a.id, "agent"]]);
    await refused(viewerB.listAlerts({ site: "A" }));
    // One subject's alerts, still only where the caller may look.
    expect((await h.api.listAlerts({ subject: a.agentId })).alerts.map((x) => x.subjectId)).toEqual([a.agentId]);
    expect((await viewerB.listAlerts({ subject: a.agentId })).alerts).toEqual([]);
    await refused(h.api.listAlerts({ state: "closed" }), "invalid-argument");
    // Deleting the site's rule as its admin resolves nothing it did not open.
    expect(await siteAdmin.deleteAlertRule({ rule: mine.rule!.id })).toMatchObject({ resolvedAlerts: 0 });
    const resolved = await h.api.deleteAlertRule({ rule: global.rule!.id });
    expect(resolved.resolvedAlerts).toBe(2);
    expect((await h.api.listAlerts({ state: "resolved" })).alerts.map((x) => x.resolveReason)).toEqual(["rule deleted", "rule deleted"]);
  });
});
