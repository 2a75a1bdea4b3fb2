/**
 * The relay side of the hub in one place, for startHub: the embedded SSH
 * relay (a TCP listener and the /relay WebSocket), or OpenSSH's sshd
 * running beside the hub, or none; the TunnelDialer the web-access proxy
 * uses; and what web-access tasks are told when they are handed out.
 */
import type { IncomingMessage } from "node:http";
import { type Server, createServer } from "node:net";
import type { Duplex } from "node:stream";
import { create } from "@bufbuild/protobuf";
import { WebAccessRelaySchema } from "../../gen/dca/v1/agent_service_pb.ts";
import type { TaskRelay } from "../api/agent-ssh-key-intake.ts";
import { listenError } from "../server/listen-error.ts";
import { type RelayAgents, createEmbeddedRelay } from "./embedded-relay.ts";
import { ensureRelayHostKey } from "./relay-host-key.ts";
import type { RelayLimits } from "./relay-limits.ts";
import { RELAY_WS_PATH, createRelayUpgrade } from "./relay-websocket.ts";
import { createSshdTunnelDialer, sshdSocketPath } from "./sshd-tunnel-dialer.ts";
import { type ForwardPolicy, type TunnelDialer, TunnelUnavailableError } from "./tunnel-dialer.ts";

import type { SideListenerOptions } from "../server/side-listener.ts";
/** How the hub relays web access (from `dca-hub serve` options). */
export type HubRelayOptions =
  | { mode: "off" }
  // SSH over TCP (default port 22) and the /relay WebSocket.
  | ({ mode: "embedded"; limits?: Partial<RelayLimits> } & SideListenerOptions)
  | {
      mode: "sshd";
      /** Where sshd makes the agents' sockets (StreamLocal forwards), readable by the hub. */
      socketDir: string;
      /** What agents are told, e.g. "ssh://hub.example:22". */
      publicUrls: string[];
      /** sshd's host key, OpenSSH public form. */
      hostKey: string;
      /** The account agents log in as (sshd_config's Match User). */
      user: string;
    };

export interface HubRelay {
  /** What the web-access proxy dials through. */
  dialer: TunnelDialer;
  /** Fills web-access tasks at hand-out. */
  taskRelay: TaskRelay;
  /** Drops a session's forward at once (the embedded relay; sshd's go when the agent closes them). */
  endForward(agentId: string, path: string): void;
  /** For the hub server's 'upgrade' event; false when not /relay. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  /** The host key agents pin ("" when off). */
  hostKey: string;
  /** For the ready line. */
  describe(): Record<string, unknown>;
  close(): Promise<void>;
}

export interface StartHubRelayOptions {
  options: HubRelayOptions;
  dataDir: string;
  agents: RelayAgents;
  policy: ForwardPolicy;
  /** The hub's own URL, for agents whose request named no host. */
  hubUrl: () => string;
  log: (line: string) => void;
}

const NO_TUNNEL: TunnelDialer = {
  dial: () => Promise.reject(new TunnelUnavailableError("this hub runs no relay (dca-hub serve --relay off)")),
  isUp: () => false,
};

const OFF: HubRelay = {
  dialer: NO_TUNNEL,
  taskRelay: { fill: () => {} },
  endForward: () => {},
  handleUpgrade: () => false,
  hostKey: "",
  describe: () => ({ mode: "off" }),
  close: async () => {},
};

export async function startHubRelay(opts: StartHubRelayOptions): Promise<HubRelay> {
  const { options, log } = opts;
  if (options.mode === "off") return OFF;
  if (options.mode === "sshd") {
    const { socketDir, hostKey, user, publicUrls } = options;
    log(`relay: OpenSSH sshd at ${publicUrls.join(", ")} (user ${user}, sockets in ${socketDir})`);
    return {
      ...OFF,
      dialer: createSshdTunnelDialer(socketDir, opts.policy),
      hostKey,
      taskRelay: {
        fill(task) {
          if (task.kind.case !== "webAccess") return;
          const w = task.kind.value;
          w.relay = create(WebAccessRelaySchema, { urls: publicUrls, hostKey, username: user });
          // sshd makes the socket where the agent asks: the path it is given is the socket file.
          w.forwardPath = sshdSocketPath(socketDir, w.forwardPath) ?? "";
        },
      },
      describe: () => ({ mode: "sshd", urls: publicUrls, user, socketDir }),
    };
  }

  const key = ensureRelayHostKey(opts.dataDir);
  const relay = createEmbeddedRelay({ hostKey: key, agents: opts.agents, policy: opts.policy, limits: options.limits, log });
  const upgrade = createRelayUpgrade(relay.accept);
  let server: Server | undefined;
  let tcpPort: number | undefined;
  if (options.listen) {
    const { host, port } = options.listen;
    try {
      server = await listenTcp(host, port, relay.accept);
      tcpPort = (server.address() as { port: number }).port;
    } catch (e) {
      const err = listenError(e, { what: "the SSH relay", option: "--relay-listen", alternatives: "use the WebSocket at /relay on the hub's port alone with --relay-listen none" }, host, port);
      relay.close();
      upgrade.close();
      if (!options.listenIsDefault) throw err;
      log(`${err.message} (going on with SSH over WebSocket at ${RELAY_WS_PATH} on the hub's port only)`);
    }
  }
  log(`relay: SSH over WebSocket at ${RELAY_WS_PATH} on the hub's port${tcpPort !== undefined ? `, SSH on ${options.listen!.host}:${tcpPort}` : ""}; host key ${key.fingerprint}`);

  function urlsFor(requestUrl: string): string[] {
    if (options.mode !== "embedded" || options.publicUrls.length) return (options as { publicUrls: string[] }).publicUrls;
    let reached: URL;
    try {
      reached = new URL(requestUrl);
    } catch {
      reached = new URL(opts.hubUrl());
    }
    const urls = tcpPort !== undefined ? [`ssh://${reached.hostname}:${tcpPort}`] : [];
    urls.push(`wss://${reached.hostname}:${reached.port || "443"}${RELAY_WS_PATH}`);
    return urls;
  }

  return {
    dialer: relay.dialer,
    taskRelay: {
      fill(task, agentId, requestUrl) {
        if (task.kind.case !== "webAccess") return;
        task.kind.value.relay = create(WebAccessRelaySchema, { urls: urlsFor(requestUrl), hostKey: key.publicKey, username: agentId });
      },
    },
    endForward: (agentId, path) => {
      relay.endForward(agentId, path);
    },
    handleUpgrade: upgrade.handleUpgrade,
    hostKey: key.publicKey,
    describe: () => ({ mode: "embedded", wsPath: RELAY_WS_PATH, tcpPort, hostKeyFingerprint: key.fingerprint, publicUrls: options.publicUrls }),
    async close() {
      relay.close();
      upgrade.close();
      if (server) await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

function listenTcp(host: string, port: number, accept: (s: Duplex) => void): Promise<Server> {
  const server = createServer((s) => accept(s));
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve(server);
    });
  });
}
