import { describe, expect, test } from "bun:test";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { renderAclFile } from "../mqtt/mosquitto-files.ts";
import { mosquittoHash, verifyMosquittoHash } from "../mqtt/mosquitto-passwd.ts";
import { openHubDatabase } from "../store/schema.ts";
import { ensureHubTls } from "../tls/index.ts";
import { runAdminCommand } from "./index.ts";

/** A hub with one site and three agents: one hashed, one disabled, one from before hashes. */
function fleet() {
  const h = adminHarness();
  const { dataDir, store, clock, api } = h;
  const site = store.createSite("Acme");
  const activate = (n: number) => {
    const { code } = store.createActivationCode(site.id);
    const r = store.activate({ code, installId: `install-${n}`, hostname: `host${n}`, agentVersion: "1", platform: "linux-x64" });
    if (!r.ok) throw new Error(r.reason);
    return r;
  };
  const [a, b, c] = [activate(1), activate(2), activate(3)];
  // Set the hashes directly: this test is about the file, not about activation filling the column.
  const db = openHubDatabase(dataDir);
  db.run("UPDATE agents SET mqtt_hash = ? WHERE id = ?", [mosquittoHash(a.secret), a.agent.id]);
  db.run("UPDATE agents SET mqtt_hash = ? WHERE id = ?", [mosquittoHash(b.secret), b.agent.id]);
  db.run("UPDATE agents SET mqtt_hash = '' WHERE id = ?", [c.agent.id]);
  db.close();
  store.setAgentDisabled(b.agent.id, true);
  async function run(...argv: string[]) {
    let out = "";
    let err = "";
    const code = await runAdminCommand(argv, { dataDir, clock, api, out: (s) => void (out += s), err: (s) => void (err += s) });
    return { code, out, err };
  }
  return { ...h, run, a, b, c };
}

describe("mqtt commands", () => {
  test("passwd-file lists enabled agents with hashes and the hub user; no secret is printed", async () => {
    const { dataDir, store, run, a, b, c } = fleet();
    const file = join(dirname(dataDir), "passwd");
    const hubPwFile = join(dirname(dataDir), "hub-password");
    writeFileSync(hubPwFile, "hub-Pa55word\n");
    const r = await run("mqtt", "passwd-file", file, "--hub-user", "hub1", "--hub-password-file", hubPwFile);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote 1 agent, hub user "hub1" to ${file}`);
    expect(r.err).toContain("1 agent activated before the hub kept MQTT hashes");
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => l.split(":"));
    expect(lines.map(([u]) => u)).toEqual(["hub1", a.agent.id]);
    expect(verifyMosquittoHash("hub-Pa55word", lines[0]![1]!)).toBe(true);
    expect(verifyMosquittoHash(a.secret, lines[1]![1]!)).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    for (const s of [a.secret, b.secret, c.secret, "hub-Pa55word"]) expect(r.out + r.err).not.toContain(s);
    // The hub's broker password is hashed here: the hub's audit log has no trace of it.
    expect(JSON.stringify(store.listAudit({}))).not.toContain("hub-Pa55word");

    // A rewrite keeps the mode an operator set, and the hub line when no new password is given.
    chmodSync(file, 0o600);
    store.setAgentDisabled(b.agent.id, false);
    const again = await run("mqtt", "passwd-file", file);
    expect(again.code).toBe(0);
    expect(readFileSync(file, "utf8").split("\n").map((l) => l.split(":")[0])).toEqual(["hub1", ...[a.agent.id, b.agent.id].sort(), ""]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
  });

  test("passwd-file to standard output, and its usage errors", async () => {
    const { run, a } = fleet();
    expect((await run("mqtt", "passwd-file", "-")).out).toStartWith(`${a.agent.id}:$7$101$`);
    expect((await run("mqtt", "passwd-file", "-", "--hub-user", "x")).err).toMatch(/needs --hub-password-file/);
    expect((await run("mqtt", "passwd-file", "-", "--hub-password-file", "/nonexistent/pw")).err).toMatch(/cannot read --hub-password-file/);
    const missing = await run("mqtt", "passwd-file");
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/missing FILE/);
  });

  test("acl-file writes the ACL for the named hub user", async () => {
    const { dataDir, run } = fleet();
    const file = join(dirname(dataDir), "acl");
    expect((await run("mqtt", "acl-file", file, "--hub-user", "hub1")).code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(renderAclFile("hub1"));
    expect((await run("mqtt", "acl-file", "-")).out).toContain("user dca-hub\n");
    expect((await run("mqtt", "acl-file", "-", "--hub-user", "agt_evil")).err).toMatch(/may not start with "agt_"/);
  });

  test("broker-cert issues a certificate from the hub's own CA for the names given; the key is 0600", async () => {
    const { dataDir, store, run } = fleet();
    const tls = ensureHubTls(dataDir, { hostnames: ["localhost"] });
    const certFile = join(dirname(dataDir), "mqtt.crt");
    const keyFile = join(dirname(dataDir), "mqtt.key");
    const r = await run("mqtt", "broker-cert", certFile, keyFile, "--name", "mqtt.example.com", "--name", "192.0.2.7", "--days", "30");
    expect(r).toMatchObject({ code: 0, err: "" });
    expect(r.out).toContain("no --mqtt-ca needed");
    const [leaf, ca] = readFileSync(certFile, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!.map((pem) => new X509Certificate(pem));
    const hubCa = new X509Certificate(readFileSync(tls.caPath!));
    expect(ca!.fingerprint256).toBe(hubCa.fingerprint256);
    expect(leaf!.checkIssued(hubCa)).toBe(true);
    expect(leaf!.verify(hubCa.publicKey)).toBe(true);
    expect(leaf!.checkHost("mqtt.example.com")).toBe("mqtt.example.com");
    expect(leaf!.checkIP("192.0.2.7")).toBe("192.0.2.7");
    expect(leaf!.checkHost("other.example.com")).toBeUndefined();
    const key = readFileSync(keyFile, "utf8");
    expect(leaf!.checkPrivateKey(createPrivateKey(key))).toBe(true);
    expect(new Date(leaf!.validTo).getTime() - Date.now()).toBeLessThan(31 * 86_400_000);
    expect(statSync(keyFile).mode & 0o777).toBe(0o600);
    expect(statSync(certFile).mode & 0o777).toBe(0o644);
    expect(r.out).not.toContain("PRIVATE KEY");
    // The audit record names the certificate, never its key.
    const audit = store.listAudit({}).filter((e) => e.action === "IssueBrokerCert");
    expect(audit).toHaveLength(1);
    expect(JSON.stringify(audit)).toContain("mqtt.example.com");
    expect(JSON.stringify(audit)).not.toContain(key.split("\n")[1]!);
    expect((await run("mqtt", "broker-cert", certFile, keyFile)).err).toMatch(/--name HOST/);
    expect((await run("mqtt", "broker-cert", certFile, keyFile, "--name", "x", "--days", "9999")).err).toMatch(/1 to 825 days/);
    expect((await run("mqtt", "broker-cert", certFile, keyFile, "--name", "not a name")).err).toMatch(/is not a host name or IP address/);
  });

  test("broker-cert says so when the hub has no CA of its own", async () => {
    const { run } = fleet();
    const r = await run("mqtt", "broker-cert", "/tmp/x.crt", "/tmp/x.key", "--name", "x");
    expect(r.code).toBe(1);
    expect(r.err).toMatch(/^dca-hub mqtt broker-cert: the hub has no CA of its own/);
  });
});
