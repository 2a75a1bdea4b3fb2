import { afterAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { type WebhookReceiver, startWebhookReceiver } from "../../../test/support/alert-peers.ts";
import { makeReading, outbox } from "../../../test/support/hub-store-fixtures.ts";
import { tempDir } from "../../../test/support/temp-dir.ts";
import { createAlertEvaluator, deliverDue, sendToChannel, verifyWebhook } from "../alerts/index.ts";
import { runAdminCommand } from "./index.ts";

/** The admin commands against an in-process hub, with a site "Acme" and its agent. */
function hub() {
  const h = adminHarness();
  const site = h.store.createSite("Acme");
  const r = h.store.activate({ code: h.store.createActivationCode(site.id).code, installId: "a".repeat(32), hostname: "pc-1", agentVersion: "0.1.0", platform: "linux-x64" });
  if (!r.ok) throw new Error(r.reason);
  const outputs: string[] = [];
  async function run(...argv: string[]) {
    let out = "";
    let err = "";
    const code = await runAdminCommand(argv, { dataDir: h.dataDir, clock: h.clock, api: h.api, env: {}, out: (s) => void (out += s), err: (s) => void (err += s) });
    outputs.push(out, err);
    return { code, out, err };
  }
  return { h, run, site, agent: r.agent, outputs };
}

const servers: WebhookReceiver[] = [];
afterAll(() => servers.forEach((s) => s.close()));
/** A webhook receiver on 127.0.0.1 answering `status`; `url` is its /hook. */
async function receiver(status: number) {
  const r = await startWebhookReceiver((_q, res) => void res.writeHead(status).end());
  servers.push(r);
  return { bodies: r.hits, url: `${r.url}/hook` };
}

describe("alert commands", () => {
  test("a webhook channel: its secret printed once, tested, listed by origin only", async () => {
    const { h, run, outputs } = hub();
    const r = await receiver(200);
    const added = await run("alert", "channel", "webhook", "ops", "--url", `${r.url}?token=abc`);
    expect(added.code).toBe(0);
    expect(added.out).toMatch(new RegExp(`^alert channel ops added: webhook http://127\\.0\\.0\\.1:\\d+\\nsecret ([\\w-]{43})\\n`));
    const secret = /secret ([\w-]{43})/.exec(added.out)![1]!;
    const tested = await run("alert", "channel", "test", "ops");
    expect(tested).toMatchObject({ code: 0, out: expect.stringMatching(/^test notice sent to channel ops in \d+ ms\n$/) });
    const [hit] = r.bodies;
    expect(verifyWebhook({ secret, body: hit!.body, signature: hit!.headers["x-dca-signature"] as string, timestamp: hit!.headers["x-dca-timestamp"] as string, nowMs: h.clock.now() }).ok).toBe(true);
    const listed = await run("alert", "channel", "list");
    expect(listed.out).toMatch(/^NAME +KIND +WHERE +SECRET +LAST OK +LAST ERROR +PENDING +FAILED\nops +webhook +http:\/\/127\.0\.0\.1:\d+ +set +2026-03-01 08:00:00Z +- +0 +0\n$/);
    const json = JSON.parse((await run("alert", "channel", "list", "--json")).out);
    expect(json[0]).toMatchObject({ name: "ops", kind: "webhook", secretSet: true });
    // Changed with a secret from a file: not printed, kept.
    const file = join(tempDir("dca-alert-cli-"), "secret");
    writeFileSync(file, "my-own-hmac-secret-value\n");
    expect((await run("alert", "channel", "webhook", "ops", "--url", r.url, "--secret-file", file)).out).toMatch(/^alert channel ops changed: webhook http:\/\/127\.0\.0\.1:\d+\n$/);
    // The secret only once, the token and the file's secret never.
    expect(outputs.join("\n").split(secret).length).toBe(2);
    expect(outputs.join("\n")).not.toContain("token=abc");
    expect(outputs.join("\n")).not.toContain("my-own-hmac-secret-value");
  });

  test("a channel that fails its test: exit 1, one line saying why", async () => {
    const { run } = hub();
    const r = await receiver(503);
    await run("alert", "channel", "webhook", "down", "--url", r.url);
    const t = await run("alert", "channel", "test", "down");
    expect(t.code).toBe(1);
    expect(t.err).toMatch(/^dca-hub alert channel: channel down: webhook http:\/\/127\.0\.0\.1:\d+ answered 503\n$/);
    const listed = await run("alert", "channel", "list");
    expect(listed.out).toMatch(/2026-03-01 08:00:00Z webhook http:\/\/127\.0\.0\.1:\d+ answered 503/);
  });

  test("an SMTP channel: the password from a file, never printed; refusals are one line", async () => {
    const { run, outputs } = hub();
    const file = join(tempDir("dca-alert-cli-"), "pw");
    writeFileSync(file, "smtp-relay-password\n");
    const added = await run("alert", "channel", "smtp", "mail", "--host", "mail.dealer.test", "--username", "alerts", "--password-file", file, "--from", "dca@dealer.test", "--to", "a@dealer.test,b@dealer.test");
    expect(added).toMatchObject({ code: 0, out: "alert channel mail added: smtp mail.dealer.test:587 starttls -> a@dealer.test, b@dealer.test\n" });
    const plain = await run("alert", "channel", "smtp", "mail2", "--host", "mail.dealer.test", "--security", "none", "--username", "u", "--password-file", file, "--from", "dca@dealer.test", "--to", "a@dealer.test");
    // A value refused exits 2, its line first, then the usage.
    expect(plain.code).toBe(2);
    expect(plain.err.split("\n")[0]).toBe("dca-hub alert channel: SMTP to mail.dealer.test without TLS would send the password in clear; use --security starttls or tls");
    expect((await run("alert", "channel", "smtp", "mail3", "--host", "h", "--from", "x@y.z")).err.split("\n")[0]).toBe("dca-hub alert channel: give at least one --to address");
    expect((await run("alert", "channel", "list", "--url", "x")).code).toBe(2);
    expect((await run("alert", "channel", "explode")).err).toMatch(/alert channel takes webhook, smtp, list, rm or test, got "explode"/);
    expect(outputs.join("\n")).not.toContain("smtp-relay-password");
    expect((await run("alert", "channel", "rm", "mail")).out).toBe("alert channel mail deleted\n");
  });

  test("rules: add for a site or every site, list, rm; alerts list with their notices", async () => {
    const { h, run, agent } = hub();
    const r = await receiver(500);
    await run("alert", "channel", "webhook", "ops", "--url", r.url);
    const low = await run("alert", "rule", "add", "supply-below", "--percent", "10", "--site", "Acme", "--channel", "ops");
    expect(low.out).toMatch(/^alert rule alr_\w+ added: supply below 10 % on site "Acme", notifying ops\n$/);
    const off = await run("alert", "rule", "add", "agent-offline", "--for", "30m", "--name", "agents down");
    expect(off.out).toMatch(/added: agent offline for 30m on every site, notifying every channel\n$/);
    expect((await run("alert", "rule", "add", "not-read", "--for", "10s")).err.split("\n")[0]).toBe("dca-hub alert rule: not-read needs --for a duration from 1m to 365d, got 10 s");
    expect((await run("alert", "rule", "add", "supply-below", "--for", "1h", "--percent", "5", "--state", "low")).code).toBe(0);
    expect((await run("alert", "rule", "list", "--percent", "5")).err.split("\n")[0]).toBe("dca-hub alert rule: alert rule list takes no --percent");
    const list = await run("alert", "rule", "list");
    expect(list.out.split("\n")[0]).toMatch(/^ID +SITE +RULE +NAME +CHANNELS +OPEN$/);
    expect(list.out).toMatch(/alr_\w+ +\(all sites\) +agent offline for 30m +agents down +\(all\) +0\n/);
    expect(list.out).toMatch(/alr_\w+ +Acme +supply below 10 % +ops +0\n/);
    // A low device and a silent agent; the receiver answers 500.
    h.store.storeReadings(agent, [outbox("r1", makeReading({ address: "10.0.0.7", serial: "SN7", readAt: h.clock.ms, supplies: [{ description: "Black", percent: 3 }] }))]);
    // An hour on (the hub's clock stays, so the owner's session does too).
    const later = h.clock.now() + 3600_000;
    createAlertEvaluator(h.store).evaluate(later);
    await deliverDue({ store: h.store, send: sendToChannel, log: () => {} }, later, { limit: 10, concurrency: 2 });
    const alerts = await run("alert", "list", "--open");
    expect(alerts.out).toMatch(/^OPENED +STATE +SITE +RULE +SUBJECT +SEEN +NOTICES\n/);
    expect(alerts.out).toMatch(/open +Acme +supply below 10 % +HP LaserJet M507 \(serial SN7\) at 10\.0\.0\.7 +Black at 3 % \(below 10 %\) +ops pending \(1 tries\)\n/);
    expect(alerts.out).toMatch(/open +Acme +agents down +agent pc-1 +never polled \(activated 2026-03-01 08:00Z\) +ops pending \(1 tries\)\n/);
    expect(alerts.out).toMatch(/notices that failed \(last error\):\n {2}alert alt_\w+ to ops: webhook http:\/\/127\.0\.0\.1:\d+ answered 500\n/);
    const json = JSON.parse((await run("alert", "list", "--json")).out);
    expect(json).toHaveLength(3);
    expect(json[0].deliveries[0]).toMatchObject({ channel: "ops", event: "opened", state: "pending", attempts: 1 });
    expect((await run("alert", "list", "--resolved")).out).toBe("no alerts\n");
    const id = /(alr_\w+) +\(all sites\)/.exec(list.out)![1]!;
    expect((await run("alert", "rule", "rm", id)).out).toBe(`alert rule ${id} deleted; its 1 open alert(s) resolved without a notice\n`);
    expect((await run("alert", "rule", "rm", id)).err).toBe(`dca-hub alert rule: unknown alert rule "${id}"; see "dca-hub alert rule list"\n`);
  });
});
