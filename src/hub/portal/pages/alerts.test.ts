/**
 * The alerts page through the portal app in-process: open and resolved
 * alerts with the state filter, rules added and deleted, channels (a
 * webhook to a receiver on loopback whose hub-made key is shown once, an
 * SMTP relay whose password is never shown back), the test button's
 * outcome either way, and a viewer refused a rule with the RPC's words.
 */
import { afterAll, describe, expect, test } from "bun:test";
import { type WebhookReceiver, startWebhookReceiver } from "../../../../test/support/alert-peers.ts";
import { makeReading, outbox } from "../../../../test/support/hub-store-fixtures.ts";
import { noticeOf, signIn } from "../../../../test/support/portal-admin-fixture.ts";
import { type PortalBrowser, portalBrowser } from "../../../../test/support/portal-fixture.ts";
import { person } from "../../../../test/support/sign-in-fixture.ts";
import { createAlertEvaluator } from "../../alerts/index.ts";

let receiver: WebhookReceiver | undefined;
afterAll(() => receiver?.close());

/** Site "Acme" with an agent that has never polled and a device with a supply at 3 %. */
function acme(b: PortalBrowser) {
  const s = b.h.store.createSite("Acme");
  const r = b.h.store.activate({ code: b.h.store.createActivationCode(s.id).code, installId: "acme".repeat(8), hostname: "pc-acme", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  b.h.store.storeReadings(r.agent, [outbox("low-1", makeReading({ address: "127.0.0.7", serial: "SN-LOW", readAt: b.h.clock.ms, supplies: [{ description: "Black toner", percent: 3 }] }))]);
  return s;
}

describe("the alerts page", () => {
  test("open alerts are listed and filtered; a rule is added and deleted, resolving its alerts", async () => {
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    acme(b);
    b.h.store.createAlertRule({ name: "toner low", kind: "supply-below", percent: 10, channelIds: [], createdBy: "test" });
    createAlertEvaluator(b.h.store).evaluate(b.h.clock.now());
    await signIn(b, "olive");
    const open = await b.text(await b.get("/alerts"));
    expect(open).toMatch(/<td>open<\/td><td>Acme<\/td><td>toner low<\/td><td>[^<]*SN-LOW[^<]*<\/td>/);
    expect(await b.text(await b.get("/alerts?state=resolved"))).toContain("<td colspan=\"7\">No alerts.</td>");
    const added = await b.text(await b.post("/alerts/rules", { site: "", kind: "agent-offline", minutes: "30", percent: "", state: "low", channels: "", name: "" }));
    expect(noticeOf(added, "ok")).toBe("Rule added: agent offline for 30m on every site, notifying every channel.");
    const bad = await b.post("/alerts/rules", { site: "", kind: "not-read", minutes: "", percent: "", state: "low", channels: "", name: "" });
    expect(bad.status).toBe(400);
    expect(noticeOf(await b.text(bad), "error")).toBe("not-read needs --for a duration from 1m to 365d, got none");
    const ruleId = b.h.store.listAlertRules().find((r) => r.name === "toner low")!.id;
    const deleted = await b.text(await b.post("/alerts/rules/delete", { rule: ruleId }));
    expect(noticeOf(deleted, "ok")).toBe("Rule toner low deleted. Its 1 open alert(s) are resolved without a notice.");
    expect(await b.text(await b.get("/alerts?state=resolved"))).toContain("(rule deleted)</td><td>Acme</td><td>toner low</td>");
  });

  test("channels: a webhook's hub-made key is shown once, a test reaches the receiver; secrets never come back", async () => {
    receiver = await startWebhookReceiver();
    const b = portalBrowser();
    await person(b.h, "olive", "owner");
    await signIn(b, "olive");
    await b.text(await b.get("/alerts"));
    const made = await b.text(await b.post("/alerts/channels/webhook", { name: "ops", url: `${receiver.url}/hook?token=path-secret-55`, secret: "", ca_pem: "" }));
    expect(noticeOf(made, "ok")).toBe("Channel ops added.");
    const key = /<code id="channel-secret">([^<]+)<\/code>/.exec(made)![1]!;
    expect(key.length).toBeGreaterThanOrEqual(32);
    // Of a webhook's URL only its origin is shown (its path may hold a token).
    expect(made).not.toContain("path-secret-55");
    const again = await b.text(await b.get("/alerts"));
    expect(again).not.toContain(key);
    expect(again).toContain(`<td>ops</td><td>webhook</td><td>${receiver.url}</td><td>set</td>`);
    const tested = await b.text(await b.post("/alerts/channels/test", { channel: "ops" }));
    expect(noticeOf(tested, "ok")).toMatch(/^Test notice sent to ops in \d+ ms\.$/);
    expect(receiver.hits.length).toBe(1);
    expect(receiver.hits[0]!.headers["x-dca-signature"]).toBeDefined();

    const password = "smtp-relay-password-77aa";
    const smtp = await b.text(await b.post("/alerts/channels/smtp", { name: "mail", host: "127.0.0.1", port: "1", security: "starttls", username: "alerts", password, from: "hub@example.test", to: "a@example.test, b@example.test", ca_pem: "" }));
    expect(noticeOf(smtp, "ok")).toBe("Channel mail added.");
    expect(smtp).not.toContain(password);
    expect(smtp).toContain("127.0.0.1:1 starttls, from hub@example.test to a@example.test, b@example.test");
    const failed = await b.post("/alerts/channels/test", { channel: "mail" });
    expect(failed.status).toBe(200);
    const failedText = await b.text(failed);
    expect(noticeOf(failedText, "error")).toMatch(/^The test notice to mail failed: /);
    expect(failedText).not.toContain(password);
    const gone = await b.text(await b.post("/alerts/channels/delete", { channel: "mail" }));
    expect(noticeOf(gone, "ok")).toBe("Channel mail deleted.");
  });

  test("a viewer sees the alerts but is refused a rule, and channels, with the RPC's words", async () => {
    const b = portalBrowser();
    await person(b.h, "vera", "viewer");
    acme(b);
    await signIn(b, "vera");
    const page = await b.text(await b.get("/alerts"));
    expect(noticeOf(page, "error")).toBe("permission denied: vera may not manage alert channels (alert.channel); an owner or admin can grant a role that allows it");
    const r = await b.post("/alerts/rules", { site: "", kind: "supply-below", percent: "10", minutes: "", state: "low", channels: "", name: "" });
    expect(r.status).toBe(403);
    expect(noticeOf(await b.text(r), "error")).toMatch(/^permission denied: vera may not create or delete alert rules of /);
    expect(b.h.store.listAlertRules()).toEqual([]);
  });
});
