/**
 * Real peers for the web-access tests: OpenSSH's sshd as the relay
 * (test/support/sshd-forward-relay.ts) admitting a fresh agent key, a
 * printer-like web server on a loopback device address, and the job
 * context and task the handler runs with; plus a "browser" that speaks
 * HTTP/1.1 through the socket sshd forwards, as the hub's proxy does.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromMs } from "@bufbuild/protobuf/wkt";
import { mkdtempSync, rmSync } from "node:fs";
import { type Server, createServer } from "node:http";
import { connect } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { randomBytes } from "node:crypto";
import { AgentConfigSchema, type Task, TaskSchema } from "../../../gen/dca/v1/agent_service_pb.ts";
import type { Clock } from "../../../common/clock.ts";
import { type SshdRelay, startSshdRelay } from "../../../../test/support/sshd-forward-relay.ts";
import { serviceConfigFromHub } from "../../service/config-from-hub.ts";
import type { JobContext } from "../../service/jobs.ts";
import { type OpenTunnels, createOpenTunnels } from "../open-tunnels.ts";
import type { RelayRoute } from "../open-relay-stream.ts";
import { type SshKeyPair, ensureSshKey } from "../ssh-key.ts";

/** A web server standing in for a printer's embedded one; each answer names the server. */
export interface PrinterSite {
  address: string;
  port: number;
  /** Connections it accepted. */
  connections(): number;
  close(): Promise<void>;
}

/** Serves "/" (a small page naming `name`), "/big" (`bigBytes` bytes) and "/hold" (never answers). */
export async function startPrinterSite(address: string, port: number, name: string, bigBytes = 200_000): Promise<PrinterSite> {
  let connections = 0;
  const server: Server = createServer((req, res) => {
    if (req.url === "/hold") return;
    const body = req.url === "/big" ? Buffer.alloc(bigBytes, "x") : Buffer.from(`<html><title>${name}</title><body>printer ${name} at ${address}:${port}</body></html>`);
    res.writeHead(200, { "content-type": "text/html", "content-length": body.length });
    res.end(body);
  });
  server.on("connection", () => connections++);
  await new Promise<void>((resolve) => server.listen(port, address, resolve));
  return {
    address,
    port,
    connections: () => connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** What a request through the tunnel brought back. */
export interface Fetched {
  /** The whole answer, head and body (latin1). */
  text: string;
  sentBytes: number;
  receivedBytes: number;
}

/** Sends `request` (a whole HTTP/1.1 request) on a connection to the forwarded socket and reads until it closes. */
export function fetchThroughSocket(socketPath: string, request: string, timeoutMs = 10_000): Promise<Fetched> {
  return new Promise((resolve, reject) => {
    const s = connect({ path: socketPath });
    const chunks: Buffer[] = [];
    const timer = setTimeout(() => (s.destroy(), reject(new Error(`no end of answer within ${timeoutMs} ms`))), timeoutMs);
    s.once("connect", () => s.write(request));
    s.on("data", (b: Buffer) => chunks.push(b));
    s.once("error", (e) => (clearTimeout(timer), reject(e)));
    s.once("close", () => {
      clearTimeout(timer);
      const all = Buffer.concat(chunks);
      resolve({ text: all.toString("latin1"), sentBytes: Buffer.byteLength(request), receivedBytes: all.length });
    });
  });
}

/** A GET of `path` that asks the printer to close the connection after answering. */
export const getRequest = (path: string, host = "printer") => `GET ${path} HTTP/1.1\r\nHost: ${host}\r\nConnection: close\r\n\r\n`;

/** sshd, the agent's key, a state folder and the pieces of a job context. */
export interface WebAccessPeers {
  relay: SshdRelay;
  key: SshKeyPair;
  stateDir: string;
  tunnels: OpenTunnels;
  lines: string[];
  /** A job context with a site whose targets are `targets` (default the device's /24 on loopback). */
  context(clock: Clock, opts?: { targets?: string[]; webAccessPorts?: number[]; webAccessDisabled?: boolean; signal?: AbortSignal; route?: RelayRoute }): JobContext;
  /** A web-access task to `address`:`port` through the relay, with a fresh forward path. */
  task(address: string, port: number, clock: Clock, init?: { minutes?: number; idleSeconds?: number; hostKey?: string; urls?: string[] }): { task: Task; forwardPath: string };
  close(): Promise<void>;
}

/** Starts sshd admitting a fresh agent key kept in a new state folder. */
export async function startWebAccessPeers(): Promise<WebAccessPeers> {
  const stateDir = mkdtempSync(join(tmpdir(), "dca-wa-state-"));
  const key = ensureSshKey(stateDir);
  const relay = await startSshdRelay([key.publicKey]);
  const tunnels = createOpenTunnels();
  const lines: string[] = [];
  return {
    relay,
    key,
    stateDir,
    tunnels,
    lines,
    context(clock, opts = {}) {
      const config = serviceConfigFromHub(
        create(AgentConfigSchema, { version: 1n, targets: opts.targets ?? ["127.0.0.0/24"], webAccessPorts: opts.webAccessPorts, webAccessDisabled: opts.webAccessDisabled }),
      );
      return {
        config,
        state: { devices: [] },
        sink: { put: () => undefined },
        clock,
        log: (l) => lines.push(l),
        saveState: () => {},
        signal: opts.signal,
        webAccess: { tunnels, key, route: opts.route ?? {}, stateDir },
      };
    },
    task(address, port, clock, init = {}) {
      const forwardPath = join(relay.socketDir, `${randomBytes(8).toString("hex")}.sock`);
      const task = create(TaskSchema, {
        id: `tsk_${randomBytes(4).toString("hex")}`,
        kind: {
          case: "webAccess",
          value: {
            address,
            port,
            forwardPath,
            relay: { urls: init.urls ?? [relay.url], hostKey: init.hostKey ?? relay.hostKey, username: relay.username },
            expiresAt: timestampFromMs(clock.now() + (init.minutes ?? 30) * 60_000),
            idleSeconds: init.idleSeconds ?? 300,
          },
        },
      });
      return { task, forwardPath };
    },
    async close() {
      await relay.stop();
      rmSync(stateDir, { recursive: true, force: true });
    },
  };
}
