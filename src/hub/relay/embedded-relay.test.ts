/**
 * The embedded relay on a loopback TCP port against real clients: OpenSSH's
 * ssh (batch mode, its own known_hosts) and ssh2's client. A registered key
 * gets its streamlocal forward and the dialer reaches through to an echo
 * server; everything else an SSH client can ask for is refused; the bounds hold.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { type Server, connect, createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type TestKey, echoOnce, echoServer, forwardToEcho, knownHosts, runSsh, ssh2Connect, sshArgs, testKey } from "../../../test/support/ssh-peers.ts";
import { type EmbeddedRelay, createEmbeddedRelay } from "./embedded-relay.ts";
import { ensureRelayHostKey, type RelayHostKey } from "./relay-host-key.ts";
import type { RelayLimits } from "./relay-limits.ts";
import { TunnelUnavailableError } from "./tunnel-dialer.ts";

let dir: string;
let hostKey: RelayHostKey;
let echo: { port: number; server: Server };
const keys: Record<string, TestKey> = {};
/** Registered keys by agent id; a test removes one to revoke the agent. */
const registered = new Map<string, string>();
/** The open sessions: "agentId path". */
const allowed = new Set<string>();
const running: { relay: EmbeddedRelay; server: Server }[] = [];
const spawned: Bun.Subprocess[] = [];

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "dca-relay-"));
  hostKey = ensureRelayHostKey(dir);
  for (const name of ["a", "b", "stranger"]) keys[name] = testKey(dir, name);
  registered.set("agt_a", keys.a!.publicKey);
  registered.set("agt_b", keys.b!.publicKey);
  echo = await echoServer();
});

afterAll(() => {
  for (const p of spawned) p.kill(9);
  for (const r of running) {
    r.relay.close();
    r.server.close();
  }
  echo.server.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A relay on a loopback port with `limits`; its port and the known_hosts file for it. */
async function startRelay(limits: Partial<RelayLimits> = {}, log: string[] = []) {
  const relay = createEmbeddedRelay({
    hostKey,
    agents: { registeredKey: (id) => registered.get(id) },
    policy: { allows: (agentId, path) => allowed.has(`${agentId} ${path}`) },
    limits,
    log: (l) => log.push(l),
  });
  const server = createServer((s) => relay.accept(s));
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  running.push({ relay, server });
  return { relay, port, known: knownHosts(dir, port, hostKey.publicKey), log };
}

async function until(check: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`${what}: not within ${ms} ms`);
    await Bun.sleep(20);
  }
}

/** `ssh -N -R path:127.0.0.1:echo` as agent `user` with key `key`, kept running. */
function sshForward(r: { port: number; known: string }, user: string, key: TestKey, path: string): Bun.Subprocess {
  const p = Bun.spawn([...sshArgs(r.known, key.file, r.port, user), "-N", "-o", "ExitOnForwardFailure=yes", "-R", `${path}:127.0.0.1:${echo.port}`, "127.0.0.1"], {
    stdin: "ignore",
    stdout: "ignore",
    stderr: "pipe",
  });
  spawned.push(p);
  return p;
}

describe("embedded relay: what an agent may do", () => {
  test("OpenSSH's ssh -R of an allowed path: the dialer reaches the far end; endForward drops it", async () => {
    const r = await startRelay();
    allowed.add("agt_a /s/one");
    const ssh = sshForward(r, "agt_a", keys.a!, "/s/one");
    await until(() => r.relay.dialer.isUp("agt_a", "/s/one"), 10_000, "forward up");
    const ch = await r.relay.dialer.dial("agt_a", "/s/one");
    expect(await echoOnce(ch, "hello printer")).toBe("hello printer");
    const closed = new Promise((resolve) => ch.once("close", resolve));
    expect(r.relay.endForward("agt_a", "/s/one")).toBe(true);
    await closed;
    expect(r.relay.dialer.isUp("agt_a", "/s/one")).toBe(false);
    await expect(r.relay.dialer.dial("agt_a", "/s/one")).rejects.toBeInstanceOf(TunnelUnavailableError);
    ssh.kill();
  });

  test("ssh2's client (as the agent's tunnel): forward, several channels at once, cancel", async () => {
    const r = await startRelay();
    allowed.add("agt_b /s/two");
    const c = await ssh2Connect({ port: r.port, username: "agt_b", privateKey: keys.b!.privateKey, hostKey: hostKey.publicKey });
    expect(await forwardToEcho(c, "/s/two", echo.port)).toBe(true);
    const chans = await Promise.all([1, 2, 3].map(() => r.relay.dialer.dial("agt_b", "/s/two")));
    expect(await Promise.all(chans.map((ch, i) => echoOnce(ch, `page ${i}`)))).toEqual(["page 0", "page 1", "page 2"]);
    // Another agent's id with this path: not its tunnel.
    expect(r.relay.dialer.isUp("agt_a", "/s/two")).toBe(false);
    await new Promise<void>((resolve) => c.openssh_unforwardInStreamLocal("/s/two", () => resolve()));
    await until(() => !r.relay.dialer.isUp("agt_b", "/s/two"), 5_000, "forward cancelled");
    c.end();
  });
});

describe("embedded relay: refusals", () => {
  let r: Awaited<ReturnType<typeof startRelay>>;
  beforeAll(async () => {
    r = await startRelay();
    allowed.add("agt_a /s/ok");
  });
  const ssh = (user: string, key: TestKey, ...rest: string[]) => runSsh([...sshArgs(r.known, key.file, r.port, user), ...rest]);

  test("an unknown key, and a known key under another agent's name, do not log in", async () => {
    for (const [user, key] of [["agt_a", keys.stranger!], ["agt_b", keys.a!], ["nobody", keys.a!]] as const) {
      const out = await ssh(user, key, "-N", "127.0.0.1");
      expect(out.exitCode).toBe(255);
      expect(out.stderr).toContain("Permission denied (publickey)");
    }
  });

  test("password login is not offered", async () => {
    const err = await ssh2Connect({ port: r.port, username: "agt_a", password: "whatever-it-is", hostKey: hostKey.publicKey }).catch((e) => e);
    expect(String(err)).toContain("authentication methods failed");
  });

  test("shell, exec and the sftp subsystem: no session channel", async () => {
    for (const args of [["-T", "127.0.0.1"], ["127.0.0.1", "id"], ["-s", "127.0.0.1", "sftp"]]) {
      const out = await ssh("agt_a", keys.a!, ...args);
      expect(out.exitCode).toBe(255);
      expect(out.stderr).toMatch(/open failed: administratively prohibited/);
      expect(out.stdout).toBe("");
    }
  });

  test("-R of a TCP port, and of a path no session has: refused", async () => {
    for (const spec of [`0:127.0.0.1:${echo.port}`, `2222:127.0.0.1:${echo.port}`, `/s/other:127.0.0.1:${echo.port}`]) {
      const out = await ssh("agt_a", keys.a!, "-N", "-o", "ExitOnForwardFailure=yes", "-R", spec, "127.0.0.1");
      expect(out.exitCode).toBe(255);
      expect(out.stderr).toMatch(/forwarding failed/);
    }
    // A path allowed for agent A is not allowed for agent B.
    const c = await ssh2Connect({ port: r.port, username: "agt_b", privateKey: keys.b!.privateKey, hostKey: hostKey.publicKey });
    expect(await forwardToEcho(c, "/s/ok", echo.port)).toBe(false);
    c.end();
  });

  test("-L (direct-tcpip) and direct-streamlocal: refused", async () => {
    const c = await ssh2Connect({ port: r.port, username: "agt_a", privateKey: keys.a!.privateKey, hostKey: hostKey.publicKey });
    // SSH_OPEN_ADMINISTRATIVELY_PROHIBITED is 1.
    const tcp = await new Promise<unknown>((resolve) => c.forwardOut("127.0.0.1", 0, "127.0.0.1", echo.port, (e) => resolve(e)));
    expect((tcp as { reason?: number }).reason).toBe(1);
    const unix = await new Promise<unknown>((resolve) => c.openssh_forwardOutStreamLocal("/run/anything.sock", (e) => resolve(e)));
    expect((unix as { reason?: number }).reason).toBe(1);
    c.end();
    // OpenSSH's -L listens locally; a connection through it is closed without a byte of the echo.
    const local = await echoServer();
    const localPort = local.port;
    local.server.close();
    await new Promise((res) => local.server.once("close", res));
    const p = Bun.spawn([...sshArgs(r.known, keys.a!.file, r.port, "agt_a"), "-N", "-L", `127.0.0.1:${localPort}:127.0.0.1:${echo.port}`, "127.0.0.1"], { stdin: "ignore", stdout: "ignore", stderr: "pipe" });
    spawned.push(p);
    let answer = "not connected";
    for (let i = 0; i < 100 && answer === "not connected"; i++) {
      await Bun.sleep(50);
      answer = await new Promise<string>((resolve) => {
        const s = connect(localPort, "127.0.0.1");
        let got = "";
        s.on("data", (d) => (got += d));
        s.on("error", () => resolve("not connected"));
        s.on("connect", () => s.write("leak?"));
        s.on("close", () => resolve(got));
      });
    }
    p.kill();
    expect(answer).toBe("");
    expect(await new Response(p.stderr).text()).toMatch(/open failed: administratively prohibited/);
  });
});

describe("embedded relay: bounds", () => {
  test("unauthenticated connections: capped per address, and closed when they do not log in", async () => {
    const r = await startRelay({ maxUnauthenticatedPerAddress: 3, authenticateWithinMs: 500 });
    const sockets = Array.from({ length: 6 }, () => connect(r.port, "127.0.0.1"));
    const closedAt = sockets.map((s) => new Promise<number>((resolve) => {
      s.resume();
      s.on("error", () => {});
      s.on("close", () => resolve(Date.now()));
    }));
    const start = Date.now();
    const times = await Promise.all(closedAt);
    const early = times.filter((t) => t - start < 400).length;
    expect(early).toBe(3);
    expect(Math.max(...times) - start).toBeLessThan(3_000);
  });

  test("channels through one forward: at once and in all", async () => {
    const r = await startRelay({ maxChannelsPerForward: 2, maxChannelsPerForwardTotal: 4 });
    allowed.add("agt_b /s/bounded");
    const c = await ssh2Connect({ port: r.port, username: "agt_b", privateKey: keys.b!.privateKey, hostKey: hostKey.publicKey });
    expect(await forwardToEcho(c, "/s/bounded", echo.port)).toBe(true);
    const [one, two] = await Promise.all([r.relay.dialer.dial("agt_b", "/s/bounded"), r.relay.dialer.dial("agt_b", "/s/bounded")]);
    await expect(r.relay.dialer.dial("agt_b", "/s/bounded")).rejects.toThrow("at once");
    // Closed by the dialer's user without reading it to the end (as a proxy whose browser left).
    one!.destroy();
    const three = await r.relay.dialer.dial("agt_b", "/s/bounded");
    three.destroy();
    two!.destroy();
    (await r.relay.dialer.dial("agt_b", "/s/bounded")).destroy();
    await expect(r.relay.dialer.dial("agt_b", "/s/bounded")).rejects.toThrow("its limit");
    c.end();
  });

  test("one agent's connections: a new one closes the oldest", async () => {
    const r = await startRelay({ maxConnectionsPerAgent: 1 });
    allowed.add("agt_a /s/first");
    allowed.add("agt_a /s/second");
    const first = sshForward(r, "agt_a", keys.a!, "/s/first");
    await until(() => r.relay.dialer.isUp("agt_a", "/s/first"), 10_000, "first forward");
    sshForward(r, "agt_a", keys.a!, "/s/second");
    await until(() => r.relay.dialer.isUp("agt_a", "/s/second"), 10_000, "second forward");
    expect(await first.exited).toBe(255);
    expect(r.relay.dialer.isUp("agt_a", "/s/first")).toBe(false);
  });

  test("a dead agent (stopped process) is dropped by keepalive", async () => {
    const r = await startRelay({ keepaliveIntervalMs: 200, keepaliveCountMax: 2 });
    allowed.add("agt_b /s/dead");
    const ssh = sshForward(r, "agt_b", keys.b!, "/s/dead");
    await until(() => r.relay.dialer.isUp("agt_b", "/s/dead"), 10_000, "forward up");
    process.kill(ssh.pid, "SIGSTOP");
    try {
      await until(() => !r.relay.dialer.isUp("agt_b", "/s/dead"), 5_000, "dead agent dropped");
    } finally {
      process.kill(ssh.pid, "SIGCONT");
    }
  });

  test("a revoked agent and an ended session lose their forwards within a recheck", async () => {
    const r = await startRelay({ recheckIntervalMs: 100 });
    allowed.add("agt_b /s/revoke");
    allowed.add("agt_a /s/expire");
    const b = sshForward(r, "agt_b", keys.b!, "/s/revoke");
    sshForward(r, "agt_a", keys.a!, "/s/expire");
    await until(() => r.relay.dialer.isUp("agt_b", "/s/revoke") && r.relay.dialer.isUp("agt_a", "/s/expire"), 10_000, "forwards up");
    allowed.delete("agt_a /s/expire");
    await until(() => !r.relay.dialer.isUp("agt_a", "/s/expire"), 2_000, "ended session dropped");
    registered.delete("agt_b");
    try {
      await until(() => !r.relay.dialer.isUp("agt_b", "/s/revoke"), 2_000, "revoked agent dropped");
      expect(await b.exited).toBe(255);
    } finally {
      registered.set("agt_b", keys.b!.publicKey);
    }
  });
});
