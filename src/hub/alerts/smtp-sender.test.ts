import { afterAll, describe, expect, test } from "bun:test";
import type { SMTPServerOptions } from "smtp-server";
import { SMTP_PASSWORD, type SmtpPeer, startSmtpPeer } from "../../../test/support/alert-peers.ts";
import { DcaError } from "../../common/errors.ts";
import type { SmtpSettings, StoredAlert } from "../store/index.ts";
import type { Notice } from "./alert-notice.ts";
import { sendToChannel } from "./channel-sender.ts";
import { sendMail } from "./smtp-sender.ts";

const PASSWORD = SMTP_PASSWORD;
const servers: SmtpPeer[] = [];
afterAll(() => servers.forEach((s) => s.close()));
/** An SMTP peer closed after the file's tests. */
const smtpServer = async (opts: Partial<SMTPServerOptions> = {}) => {
  const s = await startSmtpPeer(opts);
  servers.push(s);
  return s;
};

const settings = (port: number, more: Partial<SmtpSettings> = {}): SmtpSettings => ({
  host: "127.0.0.1", port, security: "starttls", username: "alerts", from: "dca@hub.test", to: ["ops@dealer.test", "boss@dealer.test"], caPem: servers[0]!.caPem, ...more,
});
const alert: StoredAlert = {
  id: "alt_1", ruleId: "alr_1", ruleName: "toner low", kind: "supply-below", siteId: "site_1", subjectKind: "device", subjectId: "dev_1",
  subjectLabel: "HP LaserJet at 10.0.0.7", summary: "Black at 4 % (below 10 %)", openedAt: new Date("2026-03-01T07:59:00Z"), resolveReason: "", deliveries: [],
};
const notice: Notice = { event: "opened", deliveryId: "42", alert, siteName: "Acme", rule: { kind: "supply-below", percent: 10, state: "", seconds: 0 } };
const failure = (p: Promise<unknown>) => p.then(() => { throw new Error("expected a failure"); }, (e: unknown) => e as DcaError);

describe("e-mail notices over SMTP", () => {
  test("STARTTLS (required by default): the message arrives over TLS, signed in, to every recipient", async () => {
    const s = await smtpServer();
    await sendMail(settings(s.port), PASSWORD, notice);
    expect(s.got).toHaveLength(1);
    const [m] = s.got;
    expect(m).toMatchObject({ secure: true, user: "alerts", from: "dca@hub.test", to: ["ops@dealer.test", "boss@dealer.test"] });
    expect(m!.protocol).toMatch(/^TLSv1\.[23]$/);
    expect(m!.data).toContain("Subject: [dca] ALERT: toner low - HP LaserJet at 10.0.0.7 (Acme)");
    expect(m!.data).toContain("X-Dca-Delivery: 42");
    expect(m!.data).toMatch(/\r\nSeen: +Black at 4 % \(below 10/);
    expect(m!.data).not.toContain(PASSWORD);
  });

  test("a relay that does not offer STARTTLS is refused before the password or the message is sent", async () => {
    // A relay without STARTTLS at all (hiding it is not enough: a client may still ask for it).
    const s = await smtpServer({ disabledCommands: ["STARTTLS"], allowInsecureAuth: true });
    const e = await failure(sendMail(settings(s.port), PASSWORD, notice));
    expect(e.code).toBe("failed-precondition");
    expect(e.message).toBe(`SMTP 127.0.0.1:${s.port} does not offer STARTTLS, which this channel requires; use a relay that does (or --security tls for port 465)`);
    expect(s.auths).toEqual([]);
    expect(s.got).toEqual([]);
  });

  test("the relay's certificate is checked: without its CA the hub refuses to go on", async () => {
    const s = await smtpServer();
    const e = await failure(sendMail(settings(s.port, { caPem: "" }), PASSWORD, notice));
    expect(e.code).toBe("failed-precondition");
    expect(e.message).toMatch(new RegExp(`^SMTP 127\\.0\\.0\\.1:${s.port}: its certificate is not trusted \\(self.signed certificate in certificate chain\\); give its CA with --channel-ca$`));
    expect(s.auths).toEqual([]);
    expect(s.got).toEqual([]);
  });

  test("TLS from the start (port 465 style), and a wrong password: one line, no secret", async () => {
    const s = await smtpServer({ secure: true });
    await sendMail(settings(s.port, { security: "tls" }), PASSWORD, notice);
    expect(s.got.map((m) => m.secure)).toEqual([true]);
    const wrong = await failure(sendToChannel({ id: "ach_1", name: "mail", settings: { kind: "smtp", smtp: settings(s.port, { security: "tls" }) }, secret: "not-the-password" }, notice, { nowMs: Date.now() }));
    expect(wrong.code).toBe("unauthenticated");
    expect(wrong.message).toMatch(new RegExp(`^SMTP 127\\.0\\.0\\.1:${s.port} refused the sign-in \\(.*\\); check --username and the password$`));
    expect(wrong.message).not.toContain("not-the-password");
  });

  test("a test notice and a resolved notice read as such", async () => {
    const s = await smtpServer();
    await sendMail(settings(s.port), PASSWORD, { event: "test", deliveryId: "test-1", channelName: "mail" });
    await sendMail(settings(s.port), PASSWORD, { ...notice, event: "resolved", alert: { ...alert, resolvedAt: new Date("2026-03-01T09:00:00Z"), resolveReason: "cleared" } });
    expect(s.got[0]!.data).toContain("Subject: [dca] test notice");
    expect(s.got[1]!.data).toContain("Subject: [dca] RESOLVED: toner low");
    expect(s.got[1]!.data).toMatch(/\r\nResolved: 2026-03-01T09:00:00\.000Z\r\n/);
  });
});
