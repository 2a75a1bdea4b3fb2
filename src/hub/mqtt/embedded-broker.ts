/**
 * The hub's own MQTT broker (aedes, MQTT 3.1.1): reached as secure
 * WebSocket at /mqtt on the hub's HTTPS port (the server hands its HTTP/1.1
 * upgrades here), and as MQTT over TLS on a port of its own. Both use the
 * hub's certificate. The hub publishes nudges into it directly.
 */
import type { IncomingMessage } from "node:http";
import type { Duplex } from "node:stream";
import type { Socket } from "node:net";
import { type TLSSocket, createServer as createTlsServer } from "node:tls";
import { clientAddressOf } from "../server/connection-guard.ts";
import { CONNECTION_LIMITS, type ConnectionLimits } from "../server/connection-limits.ts";
import { Aedes } from "aedes";
import { WebSocketServer } from "ws";
import type { WakeStore } from "../store/index.ts";
import { createBrokerPolicy } from "./broker-policy.ts";
import { tlsSocketStream, webSocketStream } from "./mqtt-stream.ts";
import { MAX_CLIENT_PACKET_BYTES } from "../../common/wake-topic.ts";
import { type Listener, listenError } from "../server/listen-error.ts";

/** The broker's TLS listener, as a listen error names it. */
const MQTT_TLS_LISTENER: Listener = { what: "MQTT over TLS", option: "--mqtt-listen", alternatives: "run without the broker with --no-mqtt" };

/** The path of MQTT over WebSocket on the hub's port. */
export const MQTT_WS_PATH = "/mqtt";

export interface EmbeddedBrokerOptions {
  store: Pick<WakeStore, "authenticateAgent">;
  tls: { key: string; cert: string };
  /** Where MQTT over TLS listens; undefined: WebSocket only. */
  listen?: { host: string; port: number };
  /** Connections at once, all listeners together (default 10000). */
  maxConnections?: number;
  /** The MQTT/TLS listener's per-address cap and TLS handshake deadline (the API port's, by default). */
  tlsLimits?: Pick<ConnectionLimits, "maxPerAddress" | "handshakeTimeoutMs">;
  log: (line: string) => void;
}

export interface EmbeddedBroker {
  /** The MQTT over TLS port, when listening. */
  tlsPort?: number;
  /** Takes an HTTP/1.1 upgrade request from the hub's server; false if it is not for /mqtt. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
  publish(topic: string, payload: Buffer): Promise<void>;
  /** Client ids (agent ids) connected now. */
  connectedIds(): string[];
  /** Closes one client's connection (an agent disabled or replaced since it logged in). */
  disconnect(clientId: string): void;
  close(): Promise<void>;
}

/** aedes keeps its connected clients by id; its types do not say so. */
const clientsOf = (broker: object) => (broker as { clients: Record<string, { close(): void } | undefined> }).clients;

export async function startEmbeddedBroker(opts: EmbeddedBrokerOptions): Promise<EmbeddedBroker> {
  const { log } = opts;
  const maxConnections = opts.maxConnections ?? 10_000;
  const broker = await Aedes.createBroker({
    ...createBrokerPolicy(opts.store, log),
    // A connection must log in quickly; idle sockets before CONNECT cost memory.
    connectTimeout: 10_000,
    maxClientsIdLength: 64,
    heartbeatInterval: 60_000,
  });
  broker.on("clientError", () => {});
  broker.on("connectionError", () => {});
  const open = new Set<Duplex>();
  const oversize = () => log("mqtt: a client sent an oversized packet; connection closed");

  function admit(stream: Duplex, raw: { destroy(): void }, req?: IncomingMessage): void {
    if (open.size >= maxConnections) {
      raw.destroy();
      return;
    }
    open.add(stream);
    stream.on("close", () => open.delete(stream));
    broker.handle(stream, req);
  }

  const wss = new WebSocketServer({
    noServer: true,
    maxPayload: 16 * 1024,
    perMessageDeflate: false,
    handleProtocols: (protocols: Set<string>) => (protocols.has("mqtt") ? "mqtt" : protocols.has("mqttv3.1") ? "mqttv3.1" : false),
  });
  const upgraded = new Set<Duplex>();

  let tlsPort: number | undefined;
  let tlsServer: ReturnType<typeof createTlsServer> | undefined;
  if (opts.listen) {
    const limits = opts.tlsLimits ?? CONNECTION_LIMITS;
    tlsServer = createTlsServer(
      { key: opts.tls.key, cert: opts.tls.cert, minVersion: "TLSv1.2", ALPNProtocols: ["mqtt"], handshakeTimeout: limits.handshakeTimeoutMs },
      (socket: TLSSocket) => {
        const key = `${socket.remoteAddress}|${socket.remotePort}`;
        clearTimeout(handshakes.get(key));
        handshakes.delete(key);
        socket.on("error", () => {});
        admit(tlsSocketStream(socket, MAX_CLIENT_PACKET_BYTES, oversize), socket);
      },
    );
    /** Raw sockets still in their TLS handshake, by peer: Bun's handshakeTimeout does not close one that never says hello. */
    const handshakes = new Map<string, ReturnType<typeof setTimeout>>();
    tlsServer.on("tlsClientError", () => {});
    // Raw TCP connections per client address, counted before TLS: a flood from one address
    // (or sockets that never start TLS, closed at the handshake deadline) leaves room for others.
    const perAddress = new Map<string, number>();
    tlsServer.on("connection", (raw: Socket) => {
      const address = clientAddressOf(raw.remoteAddress);
      const n = (perAddress.get(address) ?? 0) + 1;
      if (n > limits.maxPerAddress || open.size >= maxConnections) {
        raw.destroy();
        return;
      }
      perAddress.set(address, n);
      const key = `${raw.remoteAddress}|${raw.remotePort}`;
      handshakes.set(key, setTimeout(() => raw.destroy(), limits.handshakeTimeoutMs));
      raw.once("close", () => {
        clearTimeout(handshakes.get(key));
        handshakes.delete(key);
        const left = (perAddress.get(address) ?? 1) - 1;
        if (left > 0) perAddress.set(address, left);
        else perAddress.delete(address);
      });
    });
    const server = tlsServer;
    const { host, port } = opts.listen;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(port, host, () => {
        server.off("error", reject);
        resolve();
      });
    }).catch(async (e: NodeJS.ErrnoException) => {
      await new Promise<void>((r) => broker.close(() => r()));
      throw listenError(e, MQTT_TLS_LISTENER, host, port);
    });
    tlsPort = (server.address() as { port: number }).port;
  }

  return {
    tlsPort,
    handleUpgrade(req, socket, head) {
      const path = (req.url ?? "").split("?")[0];
      if (path !== MQTT_WS_PATH) return false;
      upgraded.add(socket);
      socket.on("close", () => upgraded.delete(socket));
      socket.on("error", () => {});
      wss.handleUpgrade(req, socket, head, (ws) => admit(webSocketStream(ws, MAX_CLIENT_PACKET_BYTES, oversize), { destroy: () => ws.terminate() }, req));
      return true;
    },
    connectedIds: () => Object.keys(clientsOf(broker)),
    disconnect(clientId) {
      clientsOf(broker)[clientId]?.close();
    },
    publish(topic, payload) {
      return new Promise((resolve, reject) =>
        broker.publish({ cmd: "publish", topic, payload, qos: 0, retain: false, dup: false }, (e) => (e ? reject(e) : resolve())),
      );
    },
    async close() {
      await new Promise<void>((r) => broker.close(() => r()));
      for (const s of open) s.destroy();
      for (const s of upgraded) s.destroy();
      wss.close();
      if (tlsServer) {
        const server = tlsServer;
        await new Promise<void>((r) => server.close(() => r()));
      }
    },
  };
}
