/**
 * The web-access task against real peers: OpenSSH's sshd as the relay (its
 * own config allowing only remote streamlocal forwarding for the agent's
 * key), printer-like web servers on loopback device addresses, and a
 * "browser" on sshd's forwarded socket, as the hub's proxy would be.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { existsSync } from "node:fs";
import { connect } from "node:net";
import { TaskStatus, type WebAccessResult } from "../../gen/dca/v1/agent_service_pb.ts";
import { systemClock } from "../../common/clock.ts";
import { freeTcpPort } from "../../../test/support/free-port.ts";
import { manualClock } from "../../../test/support/manual-clock.ts";
import { sshdSkipReason } from "../../../test/support/sshd-forward-relay.ts";
import { generateSshKeyPair } from "../../common/ssh-ed25519-key.ts";
import { runTask } from "../service/tasks/run-task.ts";
import { type PrinterSite, type WebAccessPeers, fetchThroughSocket, getRequest, startPrinterSite, startWebAccessPeers } from "./testdata/web-access-peers.ts";
import { lastRelay } from "./relay-memory.ts";
import { openRelayStream, parseRelayUrl } from "./open-relay-stream.ts";
import { openTunnel } from "./open-tunnel.ts";

const skip = sshdSkipReason();
if (skip) console.warn(`web-access tests skipped: ${skip}`);

let peers: WebAccessPeers;
let printer: PrinterSite;
/** Another web server on another device address, same port: must never be reached. */
let neighbour: PrinterSite;
/** Another web server on the printer's address, another port: must never be reached. */
let otherPort: PrinterSite;
const PRINTER = "127.0.0.5";

beforeAll(async () => {
  if (skip) return;
  peers = await startWebAccessPeers();
  const port = await freeTcpPort(PRINTER);
  printer = await startPrinterSite(PRINTER, port, "the-printer");
  neighbour = await startPrinterSite("127.0.0.6", port, "the-neighbour");
  otherPort = await startPrinterSite(PRINTER, await freeTcpPort(PRINTER), "other-port");
});
afterAll(async () => {
  if (skip) return;
  await Promise.all([printer.close(), neighbour.close(), otherPort.close()]);
  await peers.close();
});

/** Waits until sshd has made the forwarded socket and the agent has heard that its forward was accepted. */
async function forwarded(path: string, taskId: string, ms = 10_000): Promise<void> {
  const accepted = () => peers.lines.some((l) => l.startsWith(`web access ${taskId}: forward accepted`));
  await until(() => existsSync(path) && accepted(), ms).catch(() => {
    throw new Error(`no forwarded socket ${path} within ${ms} ms; sshd said: ${peers.relay.log().slice(-800)}`);
  });
}

/** Polls `cond` every 10 ms; fails after `ms`. */
async function until(cond: () => boolean, ms = 10_000): Promise<void> {
  for (const deadline = Date.now() + ms; !cond(); await Bun.sleep(10)) if (Date.now() > deadline) throw new Error(`not within ${ms} ms`);
}

const resultOf = (o: Awaited<ReturnType<typeof runTask>>): WebAccessResult => {
  if (o.result?.kind.case !== "webAccess") throw new Error(`no web-access result: ${o.message}`);
  return o.result.kind.value;
};

describe.skipIf(!!skip)("web access through OpenSSH's sshd", () => {
  test("the page arrives through the tunnel, only from the task's address and port, and the result counts its bytes", async () => {
    const { task, forwardPath } = peers.task(PRINTER, printer.port, systemClock);
    const ctx = peers.context(systemClock, { webAccessPorts: [printer.port] });
    const running = runTask(ctx, task);
    await forwarded(forwardPath, task.id);
    const before = { neighbour: neighbour.connections(), otherPort: otherPort.connections() };
    // Whatever the browser names (another host, another port), the agent pipes to its address:port.
    const fetched = [
      await fetchThroughSocket(forwardPath, getRequest("/")),
      await fetchThroughSocket(forwardPath, getRequest("/", `127.0.0.6:${printer.port}`)),
      await fetchThroughSocket(forwardPath, getRequest("/big", `${PRINTER}:${otherPort.port}`)),
    ];
    expect(fetched[0]!.text).toStartWith("HTTP/1.1 200");
    expect(fetched[0]!.text).toContain(`printer the-printer at ${PRINTER}:${printer.port}`);
    expect(fetched[1]!.text).toContain("printer the-printer");
    expect(fetched[2]!.receivedBytes).toBeGreaterThan(200_000);
    expect({ neighbour: neighbour.connections(), otherPort: otherPort.connections() }).toEqual(before);
    peers.tunnels.end([task.id]);
    const outcome = await running;
    expect(outcome.status).toBe(TaskStatus.DONE);
    expect(outcome.message).toContain("closed: ended by the hub");
    const r = resultOf(outcome);
    expect(r).toMatchObject({ address: PRINTER, port: printer.port, channels: 3n, channelsRefused: 0n, closedReason: "ended by the hub" });
    expect(r.bytesToDevice).toBe(BigInt(fetched.reduce((n, f) => n + f.sentBytes, 0)));
    expect(r.bytesFromDevice).toBe(BigInt(fetched.reduce((n, f) => n + f.receivedBytes, 0)));
    expect(peers.tunnels.size()).toBe(0);
    // Kept for `dca doctor`.
    expect(lastRelay(peers.stateDir)?.urls).toEqual([peers.relay.url]);
  });

  test("a relay whose host key is not the pinned one is refused before anything is forwarded", async () => {
    const wrong = generateSshKeyPair("dca-agent").publicKey;
    const { task, forwardPath } = peers.task(PRINTER, 80, systemClock, { hostKey: wrong });
    const outcome = await runTask(peers.context(systemClock), task);
    expect(outcome.status).toBe(TaskStatus.FAILED);
    expect(outcome.message).toBe(`cannot open the tunnel: ${peers.relay.url}: the relay's host key is not the one the hub gave; the connection may be intercepted: nothing was sent`);
    expect(existsSync(forwardPath)).toBe(false);
  });

  test("a port the site does not allow, or a site with web access off, is refused without dialling", async () => {
    const a = await runTask(peers.context(systemClock), peers.task(PRINTER, 22, systemClock).task);
    expect(a).toMatchObject({ status: TaskStatus.REFUSED, message: "port 22 is not allowed for web access at this site (allowed: 80, 443, 8000)" });
    const b = await runTask(peers.context(systemClock, { webAccessDisabled: true }), peers.task(PRINTER, 80, systemClock).task);
    expect(b).toMatchObject({ status: TaskStatus.REFUSED, message: "web access is off for this site" });
    const c = await runTask(peers.context(systemClock, { targets: ["10.0.0.0/24"] }), peers.task(PRINTER, 80, systemClock).task);
    expect(c.status).toBe(TaskStatus.REFUSED);
    expect(c.message).toContain("outside this site's targets");
  });

  test("idle: the tunnel closes after idle_seconds without a byte either way, not before", async () => {
    const clock = manualClock(Date.now());
    const { task, forwardPath } = peers.task(PRINTER, printer.port, clock, { idleSeconds: 30 });
    const running = runTask(peers.context(clock, { webAccessPorts: [printer.port] }), task);
    await forwarded(forwardPath, task.id);
    await clock.advance(20_000);
    expect((await fetchThroughSocket(forwardPath, getRequest("/"))).text).toContain("the-printer");
    // 29 s after the last byte: still open.
    await clock.advance(29_000);
    expect((await fetchThroughSocket(forwardPath, getRequest("/"))).text).toContain("the-printer");
    await clock.advance(30_000);
    const outcome = await running;
    expect(resultOf(outcome).closedReason).toBe("idle for 30 s");
    expect(outcome.status).toBe(TaskStatus.DONE);
  });

  test("expiry: the tunnel closes at expires_at", async () => {
    const clock = manualClock(Date.now());
    const { task, forwardPath } = peers.task(PRINTER, printer.port, clock, { minutes: 2, idleSeconds: 3600 });
    const running = runTask(peers.context(clock, { webAccessPorts: [printer.port] }), task);
    await forwarded(forwardPath, task.id);
    await clock.advance(119_000);
    expect(peers.tunnels.size()).toBe(1);
    await clock.advance(1_000);
    expect(resultOf(await running).closedReason).toBe("expired");
  });

  test("a config that takes the device out of the site's targets closes the tunnel", async () => {
    const { task, forwardPath } = peers.task(PRINTER, printer.port, systemClock);
    const running = runTask(peers.context(systemClock, { webAccessPorts: [printer.port] }), task);
    await forwarded(forwardPath, task.id);
    const narrower = peers.context(systemClock, { targets: ["127.0.1.0/24"], webAccessPorts: [printer.port] });
    peers.tunnels.configChanged(narrower.config, []);
    expect(resultOf(await running).closedReason).toBe("the device left the site's targets");
  });

  test("channels are bounded: beyond 32 at once the agent refuses, and counts what it refused", async () => {
    const { task, forwardPath } = peers.task(PRINTER, printer.port, systemClock);
    const running = runTask(peers.context(systemClock, { webAccessPorts: [printer.port] }), task);
    await forwarded(forwardPath, task.id);
    // 34 requests the printer never answers: 32 held open, 2 refused (sshd then closes their sockets).
    const before = printer.connections();
    let closed = 0;
    const sockets = Array.from({ length: 34 }, () => {
      const s = connect({ path: forwardPath });
      s.on("error", () => {});
      s.once("connect", () => s.write(getRequest("/hold")));
      s.once("close", () => closed++);
      return s;
    });
    await until(() => printer.connections() - before === 32 && closed === 2);
    peers.tunnels.end([task.id]);
    const r = resultOf(await running);
    expect({ channels: r.channels, refused: r.channelsRefused }).toEqual({ channels: 32n, refused: 2n });
    for (const s of sockets) s.destroy();
  });

  test("channels are bounded over the tunnel's life too: beyond the total, each is refused and counted", async () => {
    const { forwardPath } = peers.task(PRINTER, printer.port, systemClock);
    const address = parseRelayUrl(peers.relay.url);
    const tunnel = await openTunnel({
      stream: await openRelayStream(address, {}, 5_000),
      label: address.label,
      hostKey: peers.relay.hostKey,
      username: peers.relay.username,
      privateKey: peers.key.privateKey,
      forwardPath,
      address: PRINTER,
      port: printer.port,
      clock: systemClock,
      idleMs: 60_000,
      expiresAt: Date.now() + 60_000,
      timeoutMs: 5_000,
      // The real bound is 10,000 (MAX_WEB_ACCESS_CHANNELS_TOTAL); the rule is the same at 2.
      maxTotal: 2,
      log: () => {},
    });
    const answers = [];
    // A refused channel: sshd closes (or resets) the browser's connection without a byte.
    for (let i = 0; i < 3; i++) answers.push((await fetchThroughSocket(forwardPath, getRequest("/")).catch(() => ({ text: "" }))).text);
    expect(answers.map((a) => a.startsWith("HTTP/1.1 200"))).toEqual([true, true, false]);
    tunnel.close("done");
    expect((await tunnel.closed).counts).toMatchObject({ channels: 2, channelsRefused: 1 });
  });

  test("a relay that drops the connection ends the tunnel, reported as a failure", async () => {
    const { task, forwardPath } = peers.task(PRINTER, printer.port, systemClock, { urls: [`ssh://127.0.0.1:${await freeTcpPort()}`, peers.relay.url] });
    const running = runTask(peers.context(systemClock, { webAccessPorts: [printer.port] }), task);
    await forwarded(forwardPath, task.id);
    // The connection's own sshd process (a child of the test's sshd), not the listener: the relay drops this one tunnel.
    const pids = (await Bun.$`pgrep -P ${peers.relay.pid}`.nothrow().text()).trim().split(/\s+/).filter(Boolean);
    expect(pids.length).toBe(1);
    process.kill(Number(pids[0]), "SIGTERM");
    const outcome = await running;
    expect(outcome.status).toBe(TaskStatus.FAILED);
    expect(resultOf(outcome).closedReason).toBe("the relay closed the connection");
  });
});
