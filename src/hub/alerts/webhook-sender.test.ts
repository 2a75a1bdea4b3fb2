import { afterAll, describe, expect, test } from "bun:test";
import { type WebhookReceiver, startWebhookReceiver } from "../../../test/support/alert-peers.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { DcaError } from "../../common/errors.ts";
import type { ChannelForSending, StoredAlert } from "../store/index.ts";
import { ensureHubTls } from "../tls/index.ts";
import type { Notice } from "./alert-notice.ts";
import { sendToChannel } from "./channel-sender.ts";
import { signBody, verifyWebhook } from "./webhook-signature.ts";
import { sendWebhook } from "./webhook-sender.ts";

const SECRET = "a-webhook-secret-of-enough-length";
const NOW = Date.parse("2026-03-01T08:00:00Z");

const servers: WebhookReceiver[] = [];
afterAll(() => servers.forEach((s) => s.close()));
/** A receiver on 127.0.0.1 closed after the file's tests. */
async function receiver(answer: Parameters<typeof startWebhookReceiver>[0], tls?: { key: string; cert: string }) {
  const r = await startWebhookReceiver(answer, tls);
  servers.push(r);
  return r;
}

const alert: StoredAlert = {
  id: "alt_1", ruleId: "alr_1", ruleName: "toner low", kind: "supply-below", siteId: "site_1", subjectKind: "device", subjectId: "dev_1",
  subjectLabel: "HP LaserJet at 10.0.0.7", summary: "Black at 4 % (below 10 %)", openedAt: new Date(NOW - 60_000), resolveReason: "", deliveries: [],
};
const notice: Notice = { event: "opened", deliveryId: "42", alert, siteName: "Acme", rule: { kind: "supply-below", percent: 10, state: "", seconds: 0 } };
const webhook = (url: string, more: Partial<{ caPem: string; allowHttp: boolean }> = {}) => ({ url, allowHttp: false, caPem: "", ...more });
const channel = (url: string): ChannelForSending => ({ id: "ach_1", name: "hook", settings: { kind: "webhook", webhook: webhook(url) }, secret: SECRET });
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as DcaError);

describe("webhook notices", () => {
  test("a signed JSON POST the receiver can verify: HMAC of the body, timestamp inside the signed body", async () => {
    const r = await receiver((_req, res) => res.writeHead(204).end());
    await sendWebhook(webhook(`${r.url}/hooks/dca?team=7`), SECRET, notice, { nowMs: NOW });
    expect(r.hits).toHaveLength(1);
    const [hit] = r.hits;
    expect(hit!.path).toBe("/hooks/dca?team=7");
    expect(hit!.headers["content-type"]).toBe("application/json");
    expect(hit!.headers["x-dca-event"]).toBe("alert.opened");
    expect(hit!.headers["x-dca-delivery"]).toBe("42");
    expect(hit!.headers["x-dca-timestamp"]).toBe(String(NOW / 1000));
    expect(hit!.headers["x-dca-signature"]).toBe(signBody(SECRET, hit!.body));
    const check = { secret: SECRET, body: hit!.body, signature: hit!.headers["x-dca-signature"] as string, timestamp: hit!.headers["x-dca-timestamp"] as string };
    const ok = verifyWebhook({ ...check, nowMs: NOW + 1000 });
    expect(ok.ok).toBe(true);
    expect(JSON.parse(hit!.body)).toEqual({
      type: "alert.opened", delivery: "42", sent_at: NOW / 1000,
      alert: {
        id: "alt_1", state: "open", rule: { id: "alr_1", name: "toner low", kind: "supply-below", description: "supply below 10 %" },
        site: { id: "site_1", name: "Acme" }, subject: { kind: "device", id: "dev_1", label: "HP LaserJet at 10.0.0.7" },
        summary: "Black at 4 % (below 10 %)", opened_at: "2026-03-01T07:59:00.000Z", resolved_at: null, resolve_reason: "",
      },
    });
    // A forged or replayed notice is refused.
    expect(verifyWebhook({ ...check, secret: "another secret entirely", nowMs: NOW })).toEqual({ ok: false, reason: "the signature does not match" });
    expect(verifyWebhook({ ...check, body: hit!.body.replace("Acme", "Evil"), nowMs: NOW })).toMatchObject({ ok: false });
    expect(verifyWebhook({ ...check, timestamp: String(NOW / 1000 + 1), nowMs: NOW })).toEqual({ ok: false, reason: "the timestamp header is not the signed one" });
    expect(verifyWebhook({ ...check, nowMs: NOW + 301_000 })).toEqual({ ok: false, reason: "sent more than 300 s from now" });
  });

  test("a redirect is not followed", async () => {
    const target = await receiver((_req, res) => res.writeHead(200).end());
    const r = await receiver((_req, res) => res.writeHead(302, { location: `${target.url}/elsewhere` }).end());
    const e = await failure(sendWebhook(webhook(r.url), SECRET, notice, { nowMs: NOW }));
    expect(e.code).toBe("failed-precondition");
    expect(e.message).toBe(`webhook ${r.url} answered 302 (a redirect to ${target.url}), which the hub does not follow; give the final URL`);
    expect(target.hits).toEqual([]);
  });

  test("an error answer, a receiver that is down, one that does not answer: one line each, the secret scrubbed", async () => {
    const r = await receiver((_req, res) => res.writeHead(500).end(`bad key ${SECRET}\n`));
    const e = await failure(sendToChannel(channel(`${r.url}/x`), notice, { nowMs: NOW }));
    expect(e.code).toBe("unavailable");
    expect(e.message).toBe(`webhook ${r.url} answered 500: bad key <secret>`);
    const down = await receiver(() => {});
    servers.pop()!.close();
    await new Promise((x) => setTimeout(x, 20));
    const refused = await failure(sendToChannel(channel(down.url), notice, { nowMs: NOW }));
    expect(refused.message).toBe(`webhook ${down.url} refused the connection; is the receiver running?`);
    const silent = await receiver(() => {});
    const slow = await failure(sendToChannel(channel(silent.url), notice, { nowMs: NOW, timeoutMs: 300 }));
    expect(slow.code).toBe("deadline-exceeded");
    expect(slow.message).toBe(`webhook ${silent.url} did not answer within 0.3 s`);
  });

  test("https: the receiver's certificate is checked, against the channel's CA when given", async () => {
    const tls = ensureHubTls(tempDir("dca-webhook-tls-"), { hostnames: ["127.0.0.1", "localhost"] });
    const r = await receiver((_req, res) => res.writeHead(200).end("ok"), { key: tls.key, cert: tls.cert });
    const untrusted = await failure(sendWebhook(webhook(r.url), SECRET, notice, { nowMs: NOW }));
    expect(untrusted.code).toBe("failed-precondition");
    expect(untrusted.message).toMatch(new RegExp(`^webhook ${r.url}: its certificate is not trusted \\(.*\\); give its CA with --channel-ca$`));
    expect(r.hits).toEqual([]);
    await sendWebhook(webhook(r.url, { caPem: tls.caPem! }), SECRET, notice, { nowMs: NOW });
    expect(r.hits).toHaveLength(1);
  });

  test("plain http off loopback is refused unless allowed, before any connection", async () => {
    const e = await failure(sendWebhook(webhook("http://192.0.2.1/hook"), SECRET, notice, { nowMs: NOW }));
    expect(e.message).toBe("webhook http://192.0.2.1 is plain http: give an https:// URL, or allow http explicitly");
  });
});
