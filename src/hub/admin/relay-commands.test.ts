import { describe, expect, test } from "bun:test";
import { generateSshKeyPair } from "../../common/ssh-ed25519-key.ts";
import { adminHarness } from "../../../test/support/admin-harness.ts";
import { AUTHORIZED_KEY_OPTIONS } from "../relay/authorized-keys.ts";
import { runAdminCommand } from "./index.ts";
import type { AdminClient } from "./admin-client.ts";

const DAY = 86_400_000;

/** A hub with agents: "a" with a key, "off" with a key but disabled, "nokey" without one. */
function hub() {
  const h = adminHarness();
  const site = h.store.createSite("Acme");
  const keys: Record<string, string> = {};
  const ids: Record<string, string> = {};
  for (const name of ["a", "off", "nokey"]) {
    keys[name] = generateSshKeyPair("test").publicKey.split(" ").slice(0, 2).join(" ");
    const r = h.store.activate({
      code: h.store.createActivationCode(site.id).code, installId: name.padEnd(32, "0"), hostname: name, agentVersion: "t", platform: "linux-x64",
      sshPublicKey: name === "nokey" ? undefined : keys[name],
    });
    if (!r.ok) throw new Error(r.reason);
    ids[name] = r.agent.id;
  }
  h.store.setAgentDisabled(ids.off!, true);
  async function run(api: AdminClient, ...argv: string[]) {
    let out = "";
    let err = "";
    const code = await runAdminCommand(argv, { dataDir: h.dataDir, clock: h.clock, api, out: (s) => void (out += s), err: (s) => void (err += s) });
    return { code, out, err };
  }
  /** The API with an API token of `scope` of a new user holding `role` globally. */
  const token = (scope: "relay" | "full" | "meters", role = "admin") => {
    const user = h.store.createUser({ username: `svc-${scope}-${role}`, createdBy: "test" });
    h.store.grantRole({ userId: user.id, role });
    return h.withBearer(h.store.createApiToken({ userId: user.id, name: "sshd", scope, expiresAt: new Date(h.clock.now() + 30 * DAY) }).secret);
  };
  return { ...h, run, keys, ids, token };
}

describe("relay authorized-keys", () => {
  test("prints one restricted line per enabled agent with a key, the agent id as comment", async () => {
    const { api, run, keys, ids } = hub();
    const r = await run(api, "relay", "authorized-keys");
    expect(r).toEqual({ code: 0, out: `${AUTHORIZED_KEY_OPTIONS} ${keys.a} ${ids.a}\n`, err: "" });
  });

  test("a token of scope relay (what sshd's AuthorizedKeysCommand reads) gets the keys and nothing else", async () => {
    const { run, token, keys } = hub();
    const relay = token("relay");
    expect((await run(relay, "relay", "authorized-keys")).out).toContain(keys.a!);
    for (const argv of [["mqtt", "passwd-file", "-"], ["mqtt", "broker-cert", "c", "k", "--name", "x"], ["release", "list"], ["site", "list"]]) {
      const r = await run(relay, ...argv);
      expect(r.code).toBe(1);
      expect(r.err).toMatch(/permission denied: svc-relay-admin may not /);
    }
    // A relay token of a user who may not read the keys gets nothing: a scope only narrows.
    const viewer = token("relay", "viewer");
    expect((await run(viewer, "relay", "authorized-keys")).err).toMatch(/permission denied: .* may not read the agents' SSH keys for the relay \(relay\.keys\)/);
    // An admin's full token works too.
    expect((await run(token("full"), "relay", "authorized-keys")).out).toContain(keys.a!);
  });

  test("without a credential the hub refuses, and sshd gets no keys", async () => {
    const { run, withBearer } = hub();
    const r = await run(withBearer(undefined), "relay", "authorized-keys");
    expect(r.code).not.toBe(0);
    expect(r.out).toBe("");
    expect(r.err).toMatch(/^dca-hub relay authorized-keys: sign in first/);
  });
});
