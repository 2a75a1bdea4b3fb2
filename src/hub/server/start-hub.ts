/**
 * Starts the hub: the store in the data folder, TLS (self-made CA unless a
 * certificate is given), and AgentService over HTTP/2 on one port. gRPC,
 * gRPC-web and Connect all work on it; agents use gRPC.
 */
import http2 from "node:http2";
import { hostname as osHostname } from "node:os";
import { join } from "node:path";
import { createContextValues } from "@connectrpc/connect";
import { AgentService } from "../../gen/dca/v1/agent_service_pb.ts";
import { REMOTE_ADDRESS, createAgentService } from "../api/agent-service.ts";
import { type AgentQuotaLimits, createAgentQuota } from "../api/agent-quota.ts";
import { createActivationGate } from "../api/activation-gate.ts";
import { createReadingIntake } from "../api/reading-intake.ts";
import { systemClock } from "../../common/clock.ts";
import { createFrontDoor } from "../api/front-door.ts";
import {
  ADMIN_PATH_PREFIX,
  SSO_CALLBACK_PATH,
  createAdminDoor,
  createAdminHandlers,
  createHubSignIn,
  createSsoCallback,
  guardAdminService,
  storeAdminAuth,
  storeAudit,
} from "../adminapi/index.ts";
import { createTaskEvents } from "../api/task-events.ts";
import { isReleasePath } from "../api/release-files.ts";
import { createPortal } from "../portal/index.ts";
import { MQTT_WS_PATH } from "../mqtt/embedded-broker.ts";
import { type HubMqttOptions, startHubMqtt } from "../mqtt/start-hub-mqtt.ts";
import { CONNECTION_LIMITS, type ConnectionLimits } from "./connection-limits.ts";
import { guardConnections } from "./connection-guard.ts";
import { listenError } from "./listen-error.ts";
import { type HubStore, openHubStore } from "../store/index.ts";
import { type HubTls, ensureHubTls } from "../tls/index.ts";
import { type OwnerLock, takeOwnerLock } from "../../common/owner-lock.ts";
import { type WebAccessProxy, type WebAccessServeOptions, createStoreForwardPolicy, startWebAccess, webAccessDomainOf } from "../webaccess/index.ts";
import { type HubRelay, type HubRelayOptions, relayAgentsOf, startHubRelay } from "../relay/index.ts";
import type { ForwardPolicy } from "../relay/tunnel-dialer.ts";
import { HUB_LOCK_FILE } from "./hub-lock-file.ts";
import { startHousekeeping } from "./housekeeping.ts";
import { startAlerts } from "../alerts/index.ts";
import { METRICS_PATH, createMetricsRoute } from "./metrics-route.ts";

/** How long a stopping hub lets requests in progress finish. */
const CLOSE_GRACE_MS = 5_000;
/** How long the first-run setup code a hub with no user prints works. */
export const SETUP_CODE_TTL_MS = 60 * 60_000;
/** The path of AgentService's methods (agents; everything else on the hub's own host not claimed above is the portal's). */
const AGENT_PATH_PREFIX = `/${AgentService.typeName}/`;

export interface StartHubOptions {
  dataDir: string;
  /** Address to listen on; default 0.0.0.0 (and :: where available). */
  host?: string;
  /** 0 picks a free port (tests). */
  port: number;
  certFile?: string;
  keyFile?: string;
  /** Names the self-made server certificate is valid for (besides localhost and loopback). */
  hostnames?: string[];
  defaultPollSeconds?: number;
  /** Per-agent upload quotas (default DEFAULT_AGENT_QUOTA, src/hub/api/agent-quota.ts). */
  quota?: AgentQuotaLimits;
  /** MQTT wake-ups (default off); the embedded broker also serves WebSocket at /mqtt on this port. */
  mqtt?: HubMqttOptions;
  /** Device Web Access's SSH relay (default off); the embedded one also serves WebSocket at /relay on this port. */
  relay?: HubRelayOptions;
  /** Which forwards the relay accepts (default: none; the web-access sessions decide). */
  forwardPolicy?: ForwardPolicy;
  log?: (line: string) => void;
  /** Connection limits (default CONNECTION_LIMITS; tests lower them). */
  limits?: Partial<ConnectionLimits>;
  /** Device Web Access: sessions served at `<label>.<domain>` on this port (docs/web-access.md); absent: off. */
  webAccess?: WebAccessServeOptions;
  /** The hub's URL as browsers reach it, for the single sign-on redirect URI (<url>/sso/callback); default the URL each request came to. */
  publicUrl?: string;
  /** The root public key releases are checked against (tests give their own); the built-in one by default. */
  trustRoot?: string;
  /** How often alert rules are evaluated and notices sent (default every minute; docs/alerts.md). */
  alertEveryMs?: number;
}

export interface RunningHub {
  url: string;
  port: number;
  tls: HubTls;
  store: HubStore;
  /** Where MQTT is, for the ready line. */
  mqtt: Record<string, unknown>;
  /** The SSH relay: its TunnelDialer for the web-access proxy, endForward, and its host key. */
  relay: HubRelay;
  /** The hub has no user yet: the portal's one-time first-run setup address (with its code) and when it stops working. */
  setup?: { url: string; expiresAt: Date };
  close(): Promise<void>;
}

export async function startHub(opts: StartHubOptions): Promise<RunningHub> {
  const log = opts.log ?? ((line: string) => console.log(line));
  // Checked before the store and the lock are taken: a bad --web-access-domain leaves nothing behind.
  const webAccessDomain = opts.webAccess ? webAccessDomainOf(opts.webAccess, [...(opts.hostnames ?? []), osHostname()], log) : undefined;
  const store = openHubStore(opts.dataDir);
  let owner: OwnerLock;
  try {
    owner = takeOwnerLock(
      join(opts.dataDir, HUB_LOCK_FILE),
      (pid) => `another hub (pid ${pid ?? "unknown"}) is serving the data folder ${opts.dataDir}; stop it first, or give this one its own folder with --data`,
    );
  } catch (e) {
    store.close();
    throw e;
  }
  const names = [...new Set(["localhost", "127.0.0.1", "::1", osHostname(), ...(opts.hostnames ?? []), ...(webAccessDomain ? [`*.${webAccessDomain}`] : [])])];
  const tls = ensureHubTls(opts.dataDir, { hostnames: names, certFile: opts.certFile, keyFile: opts.keyFile });
  let url = "";
  const mqttOptions = opts.mqtt ?? { mode: "off" };
  const limits = { ...CONNECTION_LIMITS, ...opts.limits };
  const mqtt = await startHubMqtt({ options: mqttOptions, store, tls, hubUrl: () => url, tlsLimits: limits, log }).catch((e) => {
    store.close();
    owner.release();
    throw e;
  });
  const mqttSettings = (agentId: string, requestUrl: string) => mqtt.settingsFor(agentId, requestUrl);
  const relayOptions = opts.relay ?? { mode: "off" };
  // The relay accepts the forwards of open web-access sessions (none when web access is off).
  const policy = opts.forwardPolicy ?? (webAccessDomain ? createStoreForwardPolicy(store) : { allows: () => false });
  const relay = await startHubRelay({
    options: relayOptions,
    dataDir: opts.dataDir,
    agents: relayAgentsOf(store),
    policy,
    hubUrl: () => url,
    log,
  }).catch(async (e) => {
    await mqtt.close();
    store.close();
    owner.release();
    throw e;
  });
  // HTTP/1.1 is offered too: AdminService answers it (Connect's JSON from any HTTP client), MQTT and
  // the relay over WebSocket need it for their upgrade, web access pages for browsers and tools
  // that do not speak h2. ALPN still picks h2 for gRPC clients; AgentService stays HTTP/2 only.
  const allowHTTP1 = true;
  let webAccess: WebAccessProxy | undefined;
  const server = http2.createSecureServer(
    {
      key: tls.key,
      cert: tls.cert,
      minVersion: "TLSv1.2",
      allowHTTP1,
      handshakeTimeout: limits.handshakeTimeoutMs,
      settings: { maxConcurrentStreams: limits.maxStreamsPerConnection },
    },
    (req, res) => {
      if (webAccess?.handles(req.headers[":authority"] ?? req.headers.host)) return webAccess.handle(req, res);
      // AdminService answers HTTP/1.1 too (Connect's JSON with any HTTP client, e.g. curl --http1.1).
      if ((req.url ?? "").startsWith(ADMIN_PATH_PREFIX)) return adminDoor(req, res);
      const path = (req.url ?? "").split("?", 1)[0]!;
      if (path === SSO_CALLBACK_PATH) return ssoCallback(req, res);
      if (path === METRICS_PATH) return metricsRoute(req, res);
      if (path.startsWith(AGENT_PATH_PREFIX) || isReleasePath(path)) {
        if (req.httpVersionMajor >= 2) return handler(req, res);
        res.writeHead(426, { "content-type": "text/plain", connection: "close", upgrade: "h2" });
        res.end(`this hub speaks gRPC over HTTP/2, and MQTT over WebSocket at ${MQTT_WS_PATH}\n`);
        return;
      }
      // Everything else on the hub's own host is the web portal (HTTP/2 or HTTP/1.1).
      return portal(req, res);
    },
  );
  const guard = guardConnections(server, limits, log);
  const intake = createReadingIntake(store, createAgentQuota(systemClock, opts.quota), log);
  // Task changes the agent API makes, followed by WatchTask (the CLI's --wait, the portal's live results).
  const taskEvents = createTaskEvents();
  const activationGate = createActivationGate(systemClock);
  const handler = createFrontDoor({
    service: createAgentService({ store, defaultPollSeconds: opts.defaultPollSeconds, intake, activationGate, mqttSettings, taskRelay: relay.taskRelay, taskEvents, log }),
    store,
    intake,
    contextValues: (req) => createContextValues().set(REMOTE_ADDRESS, req.socket?.remoteAddress ?? "unknown"),
    onAuthenticated: (req) => guard.authenticated(req.socket),
    onUnauthenticated: (req) => guard.unauthenticated(req.socket),
    log,
    dataDir: opts.dataDir,
  });
  // One sign-in state per hub process: the SSO callback finishes the sign-ins StartSsoSignIn began.
  const signIn = createHubSignIn({ store, audit: storeAudit(store), publicUrl: opts.publicUrl, log });
  const ssoCallback = createSsoCallback(signIn);
  // One guarded AdminService: the door serves it over HTTP, the portal calls it in-process as the
  // browser's session, /metrics calls GetMetrics through it: the same rules and the same audit log.
  const adminService = createAdminHandlers({ store, dataDir: opts.dataDir, log, signIn, trustRoot: opts.trustRoot, taskEvents, wakeLines: () => mqtt.wakeLines() });
  const guarded = guardAdminService({ service: adminService, auth: storeAdminAuth(store), audit: storeAudit(store), log });
  const metricsRoute = createMetricsRoute(guarded, {
    onAuthenticated: (req) => req.socket && guard.authenticated(req.socket),
    onUnauthenticated: (req) => req.socket && guard.unauthenticated(req.socket),
    log,
  });
  const adminDoor = createAdminDoor({
    service: adminService,
    guarded,
    auth: storeAdminAuth(store),
    audit: storeAudit(store),
    onAuthenticated: (req) => req.socket && guard.authenticated(req.socket),
    onUnauthenticated: (req) => req.socket && guard.unauthenticated(req.socket),
    log,
  });
  const portal = createPortal({ guarded, publicUrl: opts.publicUrl, log, onSignedIn: (req) => req.socket && guard.authenticated(req.socket) });
  server.on("sessionError", () => {});
  server.on("upgrade", (req, socket, head) => {
    guard.upgraded(socket);
    if (!mqtt.handleUpgrade(req, socket, head) && !relay.handleUpgrade(req, socket, head)) socket.destroy();
  });
  const host = opts.host ?? "0.0.0.0";
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(opts.port, host, () => {
      server.off("error", reject);
      resolve();
    });
  }).catch(async (e) => {
    await relay.close();
    await mqtt.close();
    store.close();
    owner.release();
    throw listenError(e, { what: "the hub", option: "--listen" }, host, opts.port);
  });
  const port = (server.address() as { port: number }).port;
  const shown = host === "0.0.0.0" || host === "::" ? "localhost" : host.includes(":") ? `[${host}]` : host;
  url = `https://${shown}:${port}`;
  if (webAccessDomain) {
    webAccess = startWebAccess({
      // The relay's dialer and its end-of-session hook, unless the caller gives its own (tests). An ended
      // session also wakes its agent, which would otherwise hold the tunnel until its next poll (minutes).
      options: {
        dialer: relay.dialer,
        onEnded: (w) => {
          relay.endForward(w.agentId, w.forwardPath);
          void mqtt.nudge(w.agentId);
        },
        ...opts.webAccess!,
      },
      domain: webAccessDomain,
      store,
      dataDir: opts.dataDir,
      port,
      certPem: tls.cert,
      hooks: { onAdmitted: (req) => req.socket && guard.authenticated(req.socket), onRefused: (req) => req.socket && guard.unauthenticated(req.socket) },
      log,
    });
  }
  const stopHousekeeping = startHousekeeping(store, log);
  const alerts = startAlerts({ store, log, everyMs: opts.alertEveryMs });
  // A hub nobody owns yet: a one-time code for the portal's first-run setup (printed by serve).
  let setup: RunningHub["setup"];
  if (!store.hasUsers()) {
    const minted = store.mintSetupCode(SETUP_CODE_TTL_MS);
    setup = { url: `${opts.publicUrl ?? url}/setup?code=${minted.code}`, expiresAt: minted.expiresAt };
  }
  const sessions = new Set<http2.ServerHttp2Session>();
  server.on("session", (s) => {
    sessions.add(s);
    s.on("close", () => sessions.delete(s));
  });
  return {
    url,
    port,
    tls,
    store,
    mqtt: mqtt.describe(),
    relay,
    setup,
    async close() {
      // Activations waiting their turn would hold the server open for up to their 25 s wait.
      activationGate.close();
      stopHousekeeping();
      await alerts.stop();
      webAccess?.close();
      await relay.close();
      await mqtt.close();
      // Graceful: no new connections or streams (GOAWAY), but a request being served gets its
      // answer, so an upload the store committed is also acknowledged to the agent. A session
      // that does not finish within the grace period is cut.
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const s of sessions) s.close();
      const cut = setTimeout(() => {
        for (const s of sessions) s.destroy();
      }, CLOSE_GRACE_MS);
      await closed;
      clearTimeout(cut);
      guard.close();
      store.close();
      owner.release();
    },
  };
}
