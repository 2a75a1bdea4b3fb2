/**
 * OpenSSH's sshd as the relay, for real: Debian's /usr/sbin/sshd on a
 * loopback port with its own host key and the sshd_config of
 * docs/web-access.md for a throw-away account the test makes (sshd never
 * forwards unix sockets for root), agents' keys from
 * `dca-hub relay authorized-keys` as its AuthorizedKeysCommand, asking a
 * running hub with an API token of scope relay (docs/web-access.md). A
 * registered key may forward a socket into the hub's socket folder and the
 * hub's sshd dialer reaches through it; a shell, exec, -L, a TCP -R and an
 * unknown or disabled agent's key are refused, and so is every key once the
 * relay token is revoked.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { generateSshKeyPair } from "../../src/common/ssh-ed25519-key.ts";
import { TaskSchema, type WebAccessTask } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { openHubStore } from "../../src/hub/store/index.ts";
import { type RunningHub, startHub } from "../../src/hub/server/start-hub.ts";
import { createSshdTunnelDialer } from "../../src/hub/relay/sshd-tunnel-dialer.ts";
import { startHubRelay } from "../../src/hub/relay/start-hub-relay.ts";
import { freeTcpPort } from "../support/free-port.ts";
import { writeRelayKeysCommand } from "../support/relay-keys-command.ts";
import { DOCS_RELAY_MATCH_LINES, sshdTestGlobals, type TestKey, echoOnce, echoServer, knownHosts, runSsh, ssh2Connect, sshArgs, testKey } from "../support/ssh-peers.ts";

const SSHD = "/usr/sbin/sshd";
/** The throw-away account agents log in as (removed afterwards). */
const RELAY_USER = "dca-relay-test";
const canRun = existsSync(SSHD) && process.getuid?.() === 0;

// sshd runs AuthorizedKeysCommand only from a root-owned path no one else may write: not /tmp.
let dir: string;
let socketDir: string;
let dataDir: string;
let port: number;
let hostPub: string;
let known: string;
let sshd: Bun.Subprocess | undefined;
let sshdLog = "";
let echo: Awaited<ReturnType<typeof echoServer>>;
let hub: RunningHub | undefined;
let relayTokenId = "";
const keys: Record<string, TestKey> = {};
const ids: Record<string, string> = {};
const allowed = new Set<string>();
const policy = { allows: (agentId: string, path: string) => allowed.has(`${agentId} ${path}`) };

function sshdConfig(): string {
  return `${sshdTestGlobals(port, `${dir}/ssh_host_ed25519_key`, `${dir}/sshd.pid`)}

# From docs/web-access.md, "OpenSSH sshd as the relay" (Match User dca-relay there).
Match User ${RELAY_USER}
  AuthorizedKeysCommand ${dir}/authorized-keys
  AuthorizedKeysCommandUser root
${DOCS_RELAY_MATCH_LINES}
`;
}

beforeAll(async () => {
  if (!canRun) return;
  mkdirSync("/run/sshd", { recursive: true, mode: 0o755 });
  if (Bun.spawnSync(["id", RELAY_USER]).exitCode !== 0) {
    const made = Bun.spawnSync(["useradd", "--system", "--no-create-home", "--home-dir", "/nonexistent", "--shell", "/usr/sbin/nologin", "--password", "*", RELAY_USER]);
    if (made.exitCode !== 0) throw new Error(`useradd: ${made.stderr}`);
  }
  dir = mkdtempSync("/run/dca-sshd-");
  // The account passes through to its socket folder; nothing else here is its.
  chmodSync(dir, 0o711);
  socketDir = join(dir, "s");
  mkdirSync(socketDir, { mode: 0o750 });
  Bun.spawnSync(["chown", `${RELAY_USER}:root`, socketDir]);
  dataDir = join(dir, "hub");
  const store = openHubStore(dataDir);
  const site = store.createSite("Acme");
  for (const name of ["a", "off", "stranger"]) keys[name] = testKey(dir, name);
  for (const name of ["a", "off"]) {
    const r = store.activate({ code: store.createActivationCode(site.id).code, installId: name.padEnd(32, "0"), hostname: name, agentVersion: "t", platform: "linux-x64", sshPublicKey: keys[name]!.publicKey });
    if (!r.ok) throw new Error(r.reason);
    ids[name] = r.agent.id;
  }
  store.setAgentDisabled(ids.off!, true);
  store.close();
  const host = generateSshKeyPair("sshd-host");
  writeFileSync(join(dir, "ssh_host_ed25519_key"), host.privateKey, { mode: 0o600 });
  hostPub = host.publicKey.split(" ").slice(0, 2).join(" ");
  // The hub sshd asks for the keys, with a relay token in a file only root (its AuthorizedKeysCommandUser here) reads.
  hub = await startHub({ dataDir, host: "127.0.0.1", port: 0, log: () => {} });
  relayTokenId = writeRelayKeysCommand(dir, { url: `https://127.0.0.1:${hub.port}`, caPath: hub.tls.caPath!, dataDir }).tokenId;
  port = await freeTcpPort();
  known = knownHosts(dir, port, hostPub);
  writeFileSync(join(dir, "sshd_config"), sshdConfig());
  const proc = Bun.spawn([SSHD, "-D", "-e", "-f", join(dir, "sshd_config")], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
  sshd = proc;
  const reader = proc.stderr.getReader();
  void (async () => {
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      sshdLog += new TextDecoder().decode(value);
    }
  })();
  for (let i = 0; i < 200 && !sshdLog.includes("Server listening"); i++) await Bun.sleep(25);
  if (!sshdLog.includes("Server listening")) throw new Error(`sshd did not start:\n${sshdLog}`);
  echo = await echoServer();
});

afterAll(async () => {
  if (!canRun) return;
  sshd?.kill();
  await hub?.close();
  echo?.server.close();
  rmSync(dir, { recursive: true, force: true });
  Bun.spawnSync(["userdel", RELAY_USER]);
});

const ssh = (key: TestKey, ...rest: string[]) => runSsh([...sshArgs(known, key.file, port, RELAY_USER), ...rest]);

describe.skipIf(!canRun)("OpenSSH sshd as the relay", () => {
  test("a registered key forwards a socket into the socket folder; the sshd dialer reaches through", async () => {
    allowed.add(`${ids.a} fwd1`);
    const p = Bun.spawn([...sshArgs(known, keys.a!.file, port, RELAY_USER), "-N", "-o", "ExitOnForwardFailure=yes", "-R", `${socketDir}/fwd1:127.0.0.1:${echo.port}`, "127.0.0.1"], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    try {
      const dialer = createSshdTunnelDialer(socketDir, policy);
      for (let i = 0; i < 400 && !dialer.isUp(ids.a!, "fwd1"); i++) await Bun.sleep(25);
      expect(dialer.isUp(ids.a!, "fwd1")).toBe(true);
      const ch = await dialer.dial(ids.a!, "fwd1");
      expect(await echoOnce(ch, "hello through sshd")).toBe("hello through sshd");
      ch.destroy();
      // The policy decides: a path no session has is not dialled, even if its socket is there.
      allowed.delete(`${ids.a} fwd1`);
      await expect(dialer.dial(ids.a!, "fwd1")).rejects.toThrow("not allowed");
    } finally {
      p.kill();
    }
  });

  test("an unknown key and a disabled agent's key do not log in", async () => {
    for (const k of [keys.stranger!, keys.off!]) {
      const out = await ssh(k, "-N", "127.0.0.1");
      expect(out.exitCode).toBe(255);
      expect(out.stderr).toContain("Permission denied (publickey)");
    }
  });

  test("shell, exec and the sftp subsystem get no session", async () => {
    for (const args of [["-T", "127.0.0.1"], ["127.0.0.1", "id"], ["-s", "127.0.0.1", "sftp"]]) {
      const out = await ssh(keys.a!, ...args);
      expect(out.exitCode).not.toBe(0);
      expect(out.stdout).toBe("");
      expect(out.stderr).toMatch(/open failed|administratively prohibited/);
    }
  });

  test("-L, direct-streamlocal and a TCP -R are refused", async () => {
    const c = await ssh2Connect({ port, username: RELAY_USER, privateKey: keys.a!.privateKey, hostKey: hostPub });
    const tcp = await new Promise<unknown>((resolve) => c.forwardOut("127.0.0.1", 0, "127.0.0.1", echo.port, (e) => resolve(e)));
    expect((tcp as { reason?: number }).reason).toBe(1);
    const unix = await new Promise<unknown>((resolve) => c.openssh_forwardOutStreamLocal("/run/sshd.pid", (e) => resolve(e)));
    expect((unix as { reason?: number }).reason).toBeGreaterThan(0);
    c.end();
    const out = await ssh(keys.a!, "-N", "-o", "ExitOnForwardFailure=yes", "-R", `0:127.0.0.1:${echo.port}`, "127.0.0.1");
    expect(out.exitCode).toBe(255);
    expect(out.stderr).toMatch(/forwarding failed/);
  });

  test("with the relay token revoked the hub gives sshd no keys: no agent logs in", async () => {
    hub!.store.revokeApiToken(relayTokenId, { admin: true });
    const out = await ssh(keys.a!, "-N", "127.0.0.1");
    expect(out.exitCode).toBe(255);
    expect(out.stderr).toContain("Permission denied (publickey)");
  });

  test("the hub hands out sshd's URL, host key, account and the socket path in its folder", async () => {
    const relay = await startHubRelay({
      options: { mode: "sshd", socketDir, publicUrls: [`ssh://127.0.0.1:${port}`], hostKey: hostPub, user: RELAY_USER },
      dataDir,
      agents: { registeredKey: () => undefined },
      policy,
      hubUrl: () => "https://127.0.0.1:1",
      log: () => {},
    });
    const task = create(TaskSchema, { kind: { case: "webAccess", value: { address: "192.0.2.1", port: 80, forwardPath: "fwd2" } } });
    relay.taskRelay.fill(task, ids.a!, "https://127.0.0.1:1/");
    const w = task.kind.value as WebAccessTask;
    expect(w.relay).toMatchObject({ urls: [`ssh://127.0.0.1:${port}`], hostKey: hostPub, username: RELAY_USER });
    expect(w.forwardPath).toBe(`${socketDir}/fwd2`);
    // A path that is not a plain name never becomes a path outside the folder.
    const sneaky = create(TaskSchema, { kind: { case: "webAccess", value: { address: "192.0.2.1", port: 80, forwardPath: "../../etc/x" } } });
    relay.taskRelay.fill(sneaky, ids.a!, "https://127.0.0.1:1/");
    expect((sneaky.kind.value as WebAccessTask).forwardPath).toBe("");
    await relay.close();
    // The socket is sshd's to make, and a dial of a missing one is "not up".
    allowed.add(`${ids.a} fwd2`);
    await expect(createSshdTunnelDialer(socketDir, policy).dial(ids.a!, "fwd2")).rejects.toThrow("not up");
  });
});
