/**
 * Alerts with real processes: a hub (evaluating every second), its owner's
 * CLI, a webhook receiver and an SMTP server with STARTTLS on loopback. A
 * reading with a toner at 4 % (uploaded through the store as the agent's
 * upload would store it) opens an alert; the receiver verifies the
 * signature, the mail arrives over TLS; a new cartridge is read and the
 * resolved notices follow, once each. No secret reaches the hub's log.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { verifyWebhook } from "../../src/hub/alerts/index.ts";
import { openHubStore } from "../../src/hub/store/index.ts";
import { SMTP_PASSWORD, SMTP_USER, type SmtpPeer, type WebhookReceiver, startSmtpPeer, startWebhookReceiver } from "../support/alert-peers.ts";
import { type HubProcess, eventually, startHubProcess } from "../support/service-peers.ts";
import { tempDir } from "../support/temp-dir.ts";
import { makeReading, outbox } from "../support/hub-store-fixtures.ts";

let tmp: string;
let hub: HubProcess;
let receiver: WebhookReceiver;
let smtp: SmtpPeer;
let agentId: string;

/** Stores a reading of the printer with its black toner at `percent`, as the agent's upload would. */
function readToner(percent: number): void {
  const store = openHubStore(hub.dataDir);
  try {
    const reading = makeReading({ address: "127.0.0.7", serial: "JPBCS12345", readAt: Date.now(), total: 1000n, supplies: [{ description: "Black Cartridge", percent }] });
    store.storeReadings(store.getAgent(agentId)!, [outbox(`toner-${percent}`, reading)]);
  } finally {
    store.close();
  }
}

beforeAll(async () => {
  tmp = tempDir("dca-alerts-");
  hub = await startHubProcess(join(tmp, "hub"), 0, ["--alert-every", "1s"]);
  receiver = await startWebhookReceiver();
  smtp = await startSmtpPeer();
  // The site and its agent.
  const store = openHubStore(hub.dataDir);
  try {
    const site = store.createSite("Acme");
    const r = store.activate({ code: store.createActivationCode(site.id).code, installId: "i".repeat(32), hostname: "front-desk-pc", agentVersion: "0.1.0", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    agentId = r.agent.id;
  } finally {
    store.close();
  }
}, 60_000);

afterAll(async () => {
  await hub?.kill9();
  receiver?.close();
  smtp?.close();
});

const events = (type: string) => receiver.hits.filter((h) => JSON.parse(h.body).type === type);
// Long headers are folded (CRLF and a space): unfolded before they are compared.
const mails = (subject: string) => smtp.got.filter((m) => m.data.replace(/\r\n[ \t]+/g, " ").includes(`Subject: ${subject}`));

describe("alerts at a running hub", () => {
  test("a toner below 10 % opens one alert, notified by signed webhook and by e-mail over STARTTLS; a new cartridge resolves it", async () => {
    const added = await hub.must("alert", "channel", "webhook", "ops", "--url", `${receiver.url}/dca`);
    const secret = /\nsecret ([\w-]{43})\n/.exec(added)![1]!;
    const pw = join(tmp, "smtp-password");
    const ca = join(tmp, "smtp-ca.pem");
    writeFileSync(pw, `${SMTP_PASSWORD}\n`, { mode: 0o600 });
    writeFileSync(ca, smtp.caPem);
    await hub.must("alert", "channel", "smtp", "mail", "--host", "127.0.0.1", "--port", String(smtp.port), "--username", SMTP_USER, "--password-file", pw,
      "--from", "dca@hub.test", "--to", "ops@dealer.test", "--channel-ca", ca);
    expect(await hub.must("alert", "channel", "test", "mail")).toMatch(/^test notice sent to channel mail in \d+ ms\n$/);
    expect(mails("[dca] test notice")).toHaveLength(1);
    expect(await hub.must("alert", "rule", "add", "supply-below", "--percent", "10", "--site", "Acme", "--name", "toner")).toMatch(/notifying every channel\n$/);
    readToner(4);

    const opened = await eventually(() => events("alert.opened")[0], 15_000, "the opened webhook");
    const check = verifyWebhook({ secret, body: opened.body, signature: opened.headers["x-dca-signature"] as string, timestamp: opened.headers["x-dca-timestamp"] as string, nowMs: Date.now() });
    expect(check.ok).toBe(true);
    expect(opened.path).toBe("/dca");
    expect(JSON.parse(opened.body).alert).toMatchObject({
      state: "open", rule: { name: "toner", kind: "supply-below" }, site: { name: "Acme" },
      subject: { kind: "device", label: "HP LaserJet M507 (serial JPBCS12345) at 127.0.0.7" }, summary: "Black Cartridge at 4 % (below 10 %)",
    });
    const mail = await eventually(() => mails("[dca] ALERT: toner - HP LaserJet M507 (serial JPBCS12345) at 127.0.0.7 (Acme)")[0], 15_000, "the opened e-mail");
    expect(mail).toMatchObject({ secure: true, user: SMTP_USER, to: ["ops@dealer.test"] });

    // Evaluated every second, read again still low: nothing more is sent.
    readToner(3);
    await Bun.sleep(2500);
    expect(events("alert.opened")).toHaveLength(1);
    expect(mails("[dca] ALERT")).toHaveLength(1);
    const open = JSON.parse(await hub.must("alert", "list", "--open", "--json"));
    expect(open).toHaveLength(1);
    expect(open[0].deliveries.map((d: { channel: string; state: string }) => `${d.channel} ${d.state}`).sort()).toEqual(["mail sent", "ops sent"]);

    // A new cartridge: resolved, and said so once on each channel.
    readToner(100);
    const resolved = await eventually(() => events("alert.resolved")[0], 15_000, "the resolved webhook");
    expect(JSON.parse(resolved.body).alert).toMatchObject({ id: JSON.parse(opened.body).alert.id, state: "resolved", resolve_reason: "cleared" });
    await eventually(() => mails("[dca] RESOLVED: toner")[0], 15_000, "the resolved e-mail");
    await Bun.sleep(1500);
    expect(events("alert.resolved")).toHaveLength(1);
    expect(await hub.must("alert", "list", "--resolved")).toMatch(/resolved .* +Acme +toner +HP LaserJet M507 \(serial JPBCS12345\) at 127\.0\.0\.7 +Black Cartridge at 4 % \(below 10 %\) +mail sent, ops sent, mail resolved sent, ops resolved sent\n/);
    const log = hub.log();
    for (const s of [secret, SMTP_PASSWORD]) expect(log).not.toContain(s);
  });
});
