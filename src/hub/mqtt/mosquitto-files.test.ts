import { describe, expect, test } from "bun:test";
import { X509Certificate, createPrivateKey } from "node:crypto";
import { chmodSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { parseArgs } from "../../common/args.ts";
import { MQTT_COMMANDS } from "../admin/mqtt-commands.ts";
import { openHubStore } from "../store/index.ts";
import { openHubDatabase } from "../store/schema.ts";
import { tempDataDir } from "../../../test/support/hub-store-fixtures.ts";
import { ensureHubTls } from "../tls/index.ts";
import { hubUserProblem, renderAclFile, renderPasswordFile } from "./mosquitto-files.ts";
import { mosquittoHash, verifyMosquittoHash } from "./mosquitto-passwd.ts";

const HASH_A = mosquittoHash("secret-a");
const HASH_B = mosquittoHash("secret-b");

describe("renderPasswordFile", () => {
  test("lists agents after the hub user, drops stale agents, keeps other users", () => {
    const existing = ["# operator's note", "alice:$7$101$x$y", "agt_gone:$7$101$x$y", "dca-hub:$7$old", ""].join("\n");
    const f = renderPasswordFile(
      [
        { agentId: "agt_a", hash: HASH_A },
        { agentId: "agt_b", hash: HASH_B },
      ],
      { existing, hub: { user: "dca-hub", hash: "$7$hub" } },
    );
    expect(f.text).toBe(`# operator's note\nalice:$7$101$x$y\ndca-hub:$7$hub\nagt_a:${HASH_A}\nagt_b:${HASH_B}\n`);
    expect(f).toMatchObject({ agents: 2, kept: 1, skipped: [] });
  });

  test("without a hub user the existing hub line stays", () => {
    const f = renderPasswordFile([{ agentId: "agt_a", hash: HASH_A }], { existing: "dca-hub:$7$keep\n" });
    expect(f.text).toBe(`dca-hub:$7$keep\nagt_a:${HASH_A}\n`);
  });

  test("leaves out rows that would break the file or that mosquitto would drop", () => {
    const f = renderPasswordFile([
      { agentId: "agt_ok", hash: HASH_A },
      { agentId: "agt_bad\nroot", hash: HASH_A },
      { agentId: "agt_old", hash: "$6$abc$def" },
    ]);
    expect(f.text).toBe(`agt_ok:${HASH_A}\n`);
    expect(f.skipped).toEqual(["agt_bad\nroot", "agt_old"]);
  });

  test("an empty fleet makes an empty file", () => {
    expect(renderPasswordFile([]).text).toBe("");
  });
});

describe("renderAclFile", () => {
  test("the hub writes every wake topic, each agent reads its own", () => {
    const acl = renderAclFile("hub1");
    expect(acl).toContain("user hub1\ntopic write dca/agents/+/wake\n");
    expect(acl).toContain("\npattern read dca/agents/%u/wake\n");
    expect(acl).not.toMatch(/readwrite|#\s*$|topic read/m);
  });

  test("refuses user names that would break the files or pass for an agent", () => {
    for (const bad of ["", "a b", "a:b", "agt_x", "x\ny", "x".repeat(65)]) {
      expect(hubUserProblem(bad)).toBeString();
      expect(() => renderAclFile(bad)).toThrow();
    }
    expect(hubUserProblem("dca-hub")).toBeUndefined();
    expect(hubUserProblem("hub@example.com")).toBeUndefined();
  });
});

/** A hub store with one site and three agents: one hashed, one disabled, one from before hashes. */
function fleet() {
  const dataDir = tempDataDir();
  const store = openHubStore(dataDir);
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
  return { dataDir, store, a, b, c };
}

function runCommand(store: ReturnType<typeof openHubStore>, dataDir: string, name: string, ...argv: string[]) {
  const cmd = MQTT_COMMANDS[name];
  let out = "";
  let err = "";
  const io = { dataDir, out: (s: string) => void (out += s), err: (s: string) => void (err += s) };
  const code = cmd.run({ store, io, now: () => new Date(), api: undefined as never }, parseArgs(argv, cmd.valued ?? [], cmd.booleans ?? []));
  return { code, out, err };
}

describe("mqtt commands", () => {
  test("passwd-file lists enabled agents with hashes and the hub user; no secret is printed", () => {
    const { dataDir, store, a, b, c } = fleet();
    expect(store.mqttPasswordEntries().map((e) => e.agentId)).toEqual([a.agent.id]);
    const file = join(dirname(dataDir), "passwd");
    const hubPwFile = join(dirname(dataDir), "hub-password");
    writeFileSync(hubPwFile, "hub-Pa55word\n");
    const r = runCommand(store, dataDir, "mqtt passwd-file", file, "--hub-user", "hub1", "--hub-password-file", hubPwFile);
    expect(r.code).toBe(0);
    expect(r.out).toContain(`wrote 1 agent, hub user "hub1" to ${file}`);
    expect(r.err).toContain("1 agent activated before the hub kept MQTT hashes");
    const lines = readFileSync(file, "utf8").trim().split("\n").map((l) => l.split(":"));
    expect(lines.map(([u]) => u)).toEqual(["hub1", a.agent.id]);
    expect(verifyMosquittoHash("hub-Pa55word", lines[0][1])).toBe(true);
    expect(verifyMosquittoHash(a.secret, lines[1][1])).toBe(true);
    expect(statSync(file).mode & 0o777).toBe(0o640);
    for (const s of [a.secret, b.secret, c.secret, "hub-Pa55word"]) expect(r.out + r.err).not.toContain(s);

    // A rewrite keeps the mode an operator set, and the hub line when no new password is given.
    chmodSync(file, 0o600);
    store.setAgentDisabled(b.agent.id, false);
    const again = runCommand(store, dataDir, "mqtt passwd-file", file);
    expect(again.code).toBe(0);
    expect(readFileSync(file, "utf8").split("\n").map((l) => l.split(":")[0])).toEqual(["hub1", ...[a.agent.id, b.agent.id].sort(), ""]);
    expect(statSync(file).mode & 0o777).toBe(0o600);
    store.close();
  });

  test("passwd-file to standard output, and its usage errors", () => {
    const { dataDir, store, a } = fleet();
    expect(runCommand(store, dataDir, "mqtt passwd-file", "-").out).toStartWith(`${a.agent.id}:$7$101$`);
    expect(() => runCommand(store, dataDir, "mqtt passwd-file", "-", "--hub-user", "x")).toThrow(/needs --hub-password-file/);
    expect(() => runCommand(store, dataDir, "mqtt passwd-file", "-", "--hub-password-file", "/nonexistent/pw")).toThrow(/cannot read --hub-password-file/);
    expect(() => runCommand(store, dataDir, "mqtt passwd-file")).toThrow(/missing FILE/);
    store.close();
  });

  test("acl-file writes the ACL for the named hub user", () => {
    const { dataDir, store } = fleet();
    const file = join(dirname(dataDir), "acl");
    expect(runCommand(store, dataDir, "mqtt acl-file", file, "--hub-user", "hub1").code).toBe(0);
    expect(readFileSync(file, "utf8")).toBe(renderAclFile("hub1"));
    expect(runCommand(store, dataDir, "mqtt acl-file", "-").out).toContain("user dca-hub\n");
    expect(() => runCommand(store, dataDir, "mqtt acl-file", "-", "--hub-user", "agt_evil")).toThrow(/may not start with "agt_"/);
    store.close();
  });

  test("broker-cert issues a certificate from the hub's own CA for the names given", () => {
    const { dataDir, store } = fleet();
    const tls = ensureHubTls(dataDir, { hostnames: ["localhost"] });
    const certFile = join(dirname(dataDir), "mqtt.crt");
    const keyFile = join(dirname(dataDir), "mqtt.key");
    const r = runCommand(store, dataDir, "mqtt broker-cert", certFile, keyFile, "--name", "mqtt.example.com", "--name", "192.0.2.7", "--days", "30");
    expect(r.code).toBe(0);
    expect(r.out).toContain(`--mqtt-ca ${tls.caPath}`);
    const [leaf, ca] = readFileSync(certFile, "utf8").match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g)!.map((pem) => new X509Certificate(pem));
    const hubCa = new X509Certificate(readFileSync(tls.caPath!));
    expect(ca!.fingerprint256).toBe(hubCa.fingerprint256);
    expect(leaf!.checkIssued(hubCa)).toBe(true);
    expect(leaf!.verify(hubCa.publicKey)).toBe(true);
    expect(leaf!.checkHost("mqtt.example.com")).toBe("mqtt.example.com");
    expect(leaf!.checkIP("192.0.2.7")).toBe("192.0.2.7");
    expect(leaf!.checkHost("other.example.com")).toBeUndefined();
    expect(leaf!.checkPrivateKey(createPrivateKey(readFileSync(keyFile, "utf8")))).toBe(true);
    expect(new Date(leaf!.validTo).getTime() - Date.now()).toBeLessThan(31 * 86_400_000);
    expect(statSync(keyFile).mode & 0o777).toBe(0o640);
    expect(r.out).not.toContain("PRIVATE KEY");
    expect(() => runCommand(store, dataDir, "mqtt broker-cert", certFile, keyFile)).toThrow(/--name HOST/);
    expect(() => runCommand(store, dataDir, "mqtt broker-cert", certFile, keyFile, "--name", "x", "--days", "9999")).toThrow(/1 to 825 days/);
    store.close();
  });

  test("broker-cert says so when the hub has no CA of its own", () => {
    const { dataDir, store } = fleet();
    expect(() => runCommand(store, dataDir, "mqtt broker-cert", "/tmp/x.crt", "/tmp/x.key", "--name", "x")).toThrow(/has no CA of its own/);
    store.close();
  });
});
