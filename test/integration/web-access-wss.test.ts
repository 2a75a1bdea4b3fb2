/**
 * The wss:// relay line (SSH in WebSocket binary messages on the hub's
 * HTTPS port, for networks where only 443 leaves): a TLS WebSocket server
 * with a hub's own CA bridging each WebSocket to OpenSSH's sshd, reached
 * directly and through a real HTTP proxy (tinyproxy or squid), with the
 * hub's CA pinned as the agent's other hub connections pin it.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { mkdtempSync, rmSync } from "node:fs";
import { type Socket, connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Server, ServerWebSocket } from "bun";
import { TaskStatus } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { systemClock } from "../../src/common/clock.ts";
import { ensureHubTls } from "../../src/hub/tls/index.ts";
import { freeTcpPort } from "../support/free-port.ts";
import { type ProxyPeer, proxyPeerSkipReason, startProxyPeer } from "../support/proxy-peer.ts";
import { sshdSkipReason } from "../support/sshd-forward-relay.ts";
import { runTask } from "../../src/agent/service/tasks/run-task.ts";
import { type PrinterSite, type WebAccessPeers, fetchThroughSocket, getRequest, startPrinterSite, startWebAccessPeers } from "../../src/agent/webaccess/testdata/web-access-peers.ts";

const skip = sshdSkipReason();
let peers: WebAccessPeers;
let printer: PrinterSite;
let server: Server<{ tcp?: Socket }>;
let tmp: string;
let caPem: string;
let otherCaPem: string;
let wssUrl: string;

beforeAll(async () => {
  if (skip) return;
  tmp = mkdtempSync(join(tmpdir(), "dca-wa-wss-"));
  const tls = ensureHubTls(join(tmp, "hub"), { hostnames: ["127.0.0.1"] });
  caPem = tls.caPem!;
  otherCaPem = ensureHubTls(join(tmp, "other"), { hostnames: ["127.0.0.1"] }).caPem!;
  peers = await startWebAccessPeers();
  printer = await startPrinterSite("127.0.0.8", await freeTcpPort("127.0.0.8"), "wss-printer");
  const port = await freeTcpPort();
  // The relay's WebSocket end, as the hub's HTTPS port would carry it: each WebSocket is one TCP connection to sshd.
  server = Bun.serve<{ tcp?: Socket }>({
    hostname: "127.0.0.1",
    port,
    tls: { key: tls.key, cert: tls.cert },
    fetch(req, srv) {
      if (new URL(req.url).pathname === "/relay" && srv.upgrade(req, { data: {} })) return undefined;
      return new Response("not here", { status: 404 });
    },
    websocket: {
      open(ws: ServerWebSocket<{ tcp?: Socket }>) {
        const tcp = connect({ host: "127.0.0.1", port: peers.relay.port });
        ws.data.tcp = tcp;
        tcp.on("data", (b: Buffer) => ws.sendBinary(b));
        tcp.on("close", () => ws.close());
        tcp.on("error", () => ws.close());
      },
      message(ws, m) {
        ws.data.tcp?.write(typeof m === "string" ? Buffer.from(m) : m);
      },
      close(ws) {
        ws.data.tcp?.destroy();
      },
    },
  });
  wssUrl = `wss://127.0.0.1:${port}/relay`;
});
afterAll(async () => {
  if (skip) return;
  server.stop(true);
  await printer.close();
  await peers.close();
  rmSync(tmp, { recursive: true, force: true });
});

/** Runs a web-access task over `urls` with `route`, fetches the page once the forward is up, ends the session; the outcome and the page. */
async function session(urls: string[], route: { caPem?: string; proxyUrl?: string }) {
  const { task, forwardPath } = peers.task(printer.address, printer.port, systemClock, { urls });
  const running = runTask(peers.context(systemClock, { webAccessPorts: [printer.port], route }), task);
  let settled = false;
  void running.finally(() => (settled = true));
  let page = "";
  for (const deadline = Date.now() + 10_000; !settled && Date.now() < deadline; await Bun.sleep(10)) {
    if (peers.lines.some((l) => l.startsWith(`web access ${task.id}: forward accepted`))) {
      page = (await fetchThroughSocket(forwardPath, getRequest("/"))).text;
      peers.tunnels.end([task.id]);
      break;
    }
  }
  return { outcome: await running, page };
}

describe.skipIf(!!skip)("web access over wss:// (SSH inside a WebSocket)", () => {
  test("with the hub's CA pinned, the page arrives", async () => {
    const { outcome, page } = await session([wssUrl], { caPem });
    expect(outcome.message).toStartWith("web access to");
    expect(page).toContain("printer wss-printer");
    expect(outcome.status).toBe(TaskStatus.DONE);
  });

  test("a server whose certificate the pinned CA did not sign is refused; the next URL in the hub's order is used", async () => {
    const refused = await session([wssUrl], { caPem: otherCaPem });
    expect(refused.outcome.status).toBe(TaskStatus.FAILED);
    expect(refused.outcome.message).toStartWith(`cannot open the tunnel: ${wssUrl}: TLS with the hub https://127.0.0.1:`);
    const next = await session([wssUrl, peers.relay.url], { caPem: otherCaPem });
    expect(next.page).toContain("printer wss-printer");
    expect(peers.lines.some((l) => l.includes(`forward accepted by ${peers.relay.url}`))).toBe(true);
  });

  test.skipIf(!!proxyPeerSkipReason())("through the agent's HTTP proxy (CONNECT), as the hub line goes", async () => {
    const proxy: ProxyPeer = await startProxyPeer({ connectPorts: [Number(new URL(wssUrl).port)] });
    try {
      const { outcome, page } = await session([wssUrl], { caPem, proxyUrl: proxy.url });
      expect(page).toContain("printer wss-printer");
      expect(outcome.status).toBe(TaskStatus.DONE);
      expect(await proxy.waitForLog(`127.0.0.1:${new URL(wssUrl).port}`)).toContain("CONNECT");
    } finally {
      await proxy.close();
    }
  });
});
