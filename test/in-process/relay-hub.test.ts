/**
 * The relay inside a real hub on loopback (TLS, HTTP/2 and the /relay
 * WebSocket on one port, SSH on another): agents register their SSH keys
 * through Activate and Poll, web-access tasks are handed out with the
 * relay's URLs and host key, and a forward made over either URL reaches
 * the far end through the hub's TunnelDialer. A small ForwardPolicy stands
 * for the web-access sessions.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { create } from "@bufbuild/protobuf";
import { type Client as RpcClient, createClient } from "@connectrpc/connect";
import { WebSocket } from "ws";
import { AgentService, ActivateRequestSchema, PollRequestSchema, TaskSchema, type WebAccessTask } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { createHubTransport } from "../../src/agent/transport/index.ts";
import { type RunningHub, startHub } from "../../src/hub/server/start-hub.ts";
import { webSocketRelayStream } from "../../src/hub/relay/relay-websocket.ts";
import { tempDataDir } from "../support/hub-store-fixtures.ts";
import { type TestKey, echoOnce, echoServer, forwardToEcho, knownHosts, runSsh, ssh2Connect, sshArgs, testKey } from "../support/ssh-peers.ts";

let hub: RunningHub;
let dataDir: string;
let keyDir: string;
let siteId: string;
let echo: Awaited<ReturnType<typeof echoServer>>;
const logs: string[] = [];
const allowed = new Set<string>();
const keys: Record<string, TestKey> = {};

beforeAll(async () => {
  dataDir = tempDataDir();
  keyDir = mkdtempSync(join(tmpdir(), "dca-relay-keys-"));
  for (const k of ["a", "b", "b2"]) keys[k] = testKey(keyDir, k);
  hub = await startHub({
    dataDir,
    host: "127.0.0.1",
    port: 0,
    relay: { mode: "embedded", listen: { host: "127.0.0.1", port: 0 }, publicUrls: [] },
    forwardPolicy: { allows: (agentId, path) => allowed.has(`${agentId} ${path}`) },
    log: (l) => logs.push(l),
  });
  siteId = hub.store.createSite("Acme").id;
  hub.store.updateSiteConfig(siteId, (c) => {
    c.targets = ["127.0.0.1"];
  });
  echo = await echoServer();
});

afterAll(async () => {
  echo?.server.close();
  await hub?.close();
  rmSync(dirname(dataDir), { recursive: true, force: true });
  rmSync(keyDir, { recursive: true, force: true });
});

const rpc = (bearer?: string): RpcClient<typeof AgentService> =>
  createClient(AgentService, createHubTransport({ hubUrl: `https://127.0.0.1:${hub.port}`, caPem: hub.tls.caPem, bearer: bearer ? () => bearer : undefined }).transport);

async function activate(install: string, sshPublicKey: string) {
  const code = hub.store.createActivationCode(siteId).code;
  return rpc().activate(create(ActivateRequestSchema, { code, installId: install.repeat(32), hostname: install, agentVersion: "t", platform: "linux-x64", sshPublicKey }));
}

const poll = (a: { agentId: string; secret: string }, sshPublicKey = "") =>
  rpc(`Bearer ${a.agentId}.${a.secret}`).poll(create(PollRequestSchema, { agentVersion: "t", hostname: "h", sshPublicKey }));

let agentA: { agentId: string; secret: string };
let agentB: { agentId: string; secret: string };

describe("agents' SSH keys", () => {
  test("Activate registers the key; a malformed or non-Ed25519 key is refused", async () => {
    agentA = await activate("a", `${keys.a!.publicKey} comment@host`);
    expect(hub.store.getAgent(agentA.agentId)?.sshPublicKey).toBe(keys.a!.publicKey);
    for (const bad of ["ssh-rsa AAAAB3NzaC1yc2EAAAADAQABAAABAQ", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIB", "ssh-ed25519 " + "A".repeat(500)]) {
      const err = await activate("c", bad).catch((e) => e);
      expect(String(err)).toContain("ssh_public_key");
    }
  });

  test("Poll registers the first key of an agent activated without one; a different one later is refused, logged once", async () => {
    agentB = await activate("b", "");
    expect(hub.store.getAgent(agentB.agentId)?.sshPublicKey).toBe("");
    await poll(agentB, keys.b!.publicKey);
    expect(hub.store.getAgent(agentB.agentId)?.sshPublicKey).toBe(keys.b!.publicKey);
    await poll(agentB, keys.b2!.publicKey);
    await poll(agentB, keys.b2!.publicKey);
    expect(hub.store.getAgent(agentB.agentId)?.sshPublicKey).toBe(keys.b!.publicKey);
    expect(logs.filter((l) => l.includes(`agent ${agentB.agentId} sent SSH key`) && l.includes("reset-ssh-key")).length).toBe(1);
    // A malformed key on Poll costs the agent nothing but the key.
    const r = await poll(agentB, "ssh-ed25519 !!!");
    expect(r.nextPollSeconds).toBeGreaterThan(0);
    // After an admin reset, the next key is registered.
    hub.store.resetSshKey(agentB.agentId);
    await poll(agentB, keys.b2!.publicKey);
    expect(hub.store.getAgent(agentB.agentId)?.sshPublicKey).toBe(keys.b2!.publicKey);
  });
});

describe("web-access tasks and the relay", () => {
  let task: WebAccessTask;
  beforeAll(async () => {
    hub.store.createTask(siteId, create(TaskSchema, { kind: { case: "webAccess", value: { address: "127.0.0.1", port: 80, forwardPath: "/wa/s1" } } }), { agentId: agentA.agentId });
    const r = await poll(agentA, keys.a!.publicKey);
    const t = r.tasks.find((x) => x.kind.case === "webAccess");
    task = t!.kind.value as WebAccessTask;
  });

  test("the task is handed out with the relay's URLs (SSH port, then /relay on the hub's port), host key and user", () => {
    const sshPort = hub.relay.describe().tcpPort as number;
    expect(task.relay?.urls).toEqual([`ssh://127.0.0.1:${sshPort}`, `wss://127.0.0.1:${hub.port}/relay`]);
    expect(task.relay?.hostKey).toBe(hub.relay.hostKey);
    expect(hub.relay.hostKey).toMatch(/^ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAI[A-Za-z0-9+/]{43}$/);
    expect(task.relay?.username).toBe(agentA.agentId);
    // Stored as created: the relay is filled at each hand-out, not kept.
    expect(hub.store.getTask(hub.store.listTasks({ siteId })[0]!.id)?.task.kind.value).not.toHaveProperty("relay.hostKey", hub.relay.hostKey);
  });

  test("over SSH on the relay port (OpenSSH's ssh -R): the dialer reaches through", async () => {
    allowed.add(`${agentA.agentId} /wa/s1`);
    const url = new URL(task.relay!.urls[0]!);
    const known = knownHosts(keyDir, Number(url.port), task.relay!.hostKey);
    const ssh = Bun.spawn([...sshArgs(known, keys.a!.file, Number(url.port), task.relay!.username), "-N", "-o", "ExitOnForwardFailure=yes", "-R", `${task.forwardPath}:127.0.0.1:${echo.port}`, "127.0.0.1"], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    try {
      for (let i = 0; i < 200 && !hub.relay.dialer.isUp(agentA.agentId, "/wa/s1"); i++) await Bun.sleep(25);
      const ch = await hub.relay.dialer.dial(agentA.agentId, "/wa/s1");
      expect(await echoOnce(ch, "GET / HTTP/1.1\r\n\r\n")).toBe("GET / HTTP/1.1\r\n\r\n");
      hub.relay.endForward(agentA.agentId, "/wa/s1");
      expect(hub.relay.dialer.isUp(agentA.agentId, "/wa/s1")).toBe(false);
    } finally {
      ssh.kill();
    }
  });

  /** An SSH byte stream over wss://.../relay, trusting the hub's CA. */
  async function relaySocket(url: string) {
    const ws = new WebSocket(url, { ca: hub.tls.caPem });
    await new Promise((resolve, reject) => {
      ws.once("open", resolve);
      ws.once("error", reject);
    });
    return webSocketRelayStream(ws);
  }

  test("over the /relay WebSocket on the hub's HTTPS port (ssh2's client): the dialer reaches through", async () => {
    allowed.add(`${agentB.agentId} /wa/s2`);
    const sock = await relaySocket(task.relay!.urls[1]!);
    const c = await ssh2Connect({ sock, username: agentB.agentId, privateKey: keys.b2!.privateKey, hostKey: task.relay!.hostKey });
    expect(await forwardToEcho(c, "/wa/s2", echo.port)).toBe(true);
    const big = "x".repeat(200_000);
    const ch = await hub.relay.dialer.dial(agentB.agentId, "/wa/s2");
    expect((await echoOnce(ch, big)).length).toBe(big.length);
    ch.destroy();
    c.end();
  });

  test("over the WebSocket too: an unregistered key, a disabled agent and a path no session has are refused", async () => {
    const stranger = testKey(keyDir, "stranger");
    const err = await ssh2Connect({ sock: await relaySocket(task.relay!.urls[1]!), username: agentA.agentId, privateKey: stranger.privateKey, hostKey: task.relay!.hostKey }).catch((e) => e);
    expect(String(err)).toContain("authentication methods failed");
    const c = await ssh2Connect({ sock: await relaySocket(task.relay!.urls[1]!), username: agentA.agentId, privateKey: keys.a!.privateKey, hostKey: task.relay!.hostKey });
    expect(await forwardToEcho(c, "/wa/not-a-session", echo.port)).toBe(false);
    c.end();
    hub.store.setAgentDisabled(agentA.agentId, true);
    try {
      const known = knownHosts(keyDir, Number(new URL(task.relay!.urls[0]!).port), task.relay!.hostKey);
      const out = await runSsh([...sshArgs(known, keys.a!.file, Number(new URL(task.relay!.urls[0]!).port), agentA.agentId), "-N", "127.0.0.1"]);
      expect(out.stderr).toContain("Permission denied (publickey)");
    } finally {
      hub.store.setAgentDisabled(agentA.agentId, false);
    }
  });
});

describe("the relay's SSH port", () => {
  test("a port given and taken: one line saying which and what to do; the default port taken: the hub goes on, WebSocket only", async () => {
    const taken = createServer();
    await new Promise<void>((r) => taken.listen(0, "127.0.0.1", () => r()));
    const port = (taken.address() as { port: number }).port;
    const dir = tempDataDir();
    try {
      const err = await startHub({ dataDir: dir, host: "127.0.0.1", port: 0, relay: { mode: "embedded", listen: { host: "127.0.0.1", port }, publicUrls: [] }, log: () => {} }).catch((e) => e);
      expect(err.message).toBe(
        `the SSH relay cannot listen on 127.0.0.1:${port}: another program already listens there; stop it or choose another port with --relay-listen HOST:PORT, or use the WebSocket at /relay on the hub's port alone with --relay-listen none`,
      );
      const lines: string[] = [];
      const h = await startHub({ dataDir: dir, host: "127.0.0.1", port: 0, relay: { mode: "embedded", listen: { host: "127.0.0.1", port }, listenIsDefault: true, publicUrls: [] }, log: (l) => lines.push(l) });
      expect(h.relay.describe().tcpPort).toBeUndefined();
      expect(lines.some((l) => l.includes("going on with SSH over WebSocket at /relay"))).toBe(true);
      await h.close();
    } finally {
      taken.close();
      rmSync(dirname(dir), { recursive: true, force: true });
    }
  });
});
