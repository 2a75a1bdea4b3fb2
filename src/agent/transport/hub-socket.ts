/**
 * One TLS connection to the hub, direct or through a CONNECT tunnel, with
 * ALPN h2 (or what the caller asks for: the wake-up line wants http/1.1 for
 * its WebSocket, or none for MQTT over TLS) and the agent's trust rules
 * applied before anything is sent.
 * Opening the socket here (instead of letting http2.connect do it) is what
 * lets the proxy's asynchronous handshake come first, and gives one place
 * for the pin check whichever way the bytes travel.
 */
import { type ConnectionOptions, type TLSSocket, connect as tlsConnect } from "node:tls";
import { Code, ConnectError } from "@connectrpc/connect";
import type { HubEndpoint } from "./hub-endpoint.ts";
import { checkPinnedChain, peerChain } from "../../common/pinned-chain.ts";
import type { ProxyEndpoint } from "./proxy-config.ts";
import { openProxyTunnel } from "./proxy-tunnel.ts";

/** How the hub's certificate is judged. */
export type HubTrust =
  /** The system roots, or exactly `caPem`; with `pin`, the chain must also lead to the pinned certificate. */
  | { kind: "verify"; caPem?: string; pin?: string }
  /** Nothing checked: only for fetching the CA to compare with a pin the operator typed. */
  | { kind: "none" };

/** What openHubSocket needs. */
export interface HubSocketOptions {
  hub: HubEndpoint;
  proxy?: ProxyEndpoint;
  trust: HubTrust;
  /** For the tunnel and the TLS handshake together. */
  timeoutMs: number;
  /** The ALPN protocols to offer and the one the hub must pick; default h2 for both, `{ offer: [] }` for none. */
  alpn?: { offer: string[]; expect?: string };
  /** Who is at the other end, for the words of a failure: the hub (default), or a release server (a CDN the hub named). */
  role?: "hub" | "release server";
}

const H2 = { offer: ["h2"], expect: "h2" };

/**
 * Resolves to a TLS socket to the hub that negotiated the ALPN protocol
 * asked for (h2 unless `alpn` says otherwise) and passed the
 * trust check; fails with a ConnectError (Unavailable) that says which step
 * failed: reaching the proxy or the hub, the proxy's answer, TLS, the pin.
 */
export async function openHubSocket(opts: HubSocketOptions): Promise<TLSSocket> {
  const { hub, trust } = opts;
  const alpn = opts.alpn ?? H2;
  const started = Date.now();
  const tunnel = opts.proxy ? await openProxyTunnel(opts.proxy, hub.authority, opts.timeoutMs) : undefined;
  const pinOnly = trust.kind === "verify" && trust.pin !== undefined && trust.caPem === undefined;
  const tlsOptions: ConnectionOptions = {
    ...(tunnel ? { socket: tunnel } : { host: hub.host, port: hub.port }),
    servername: hub.servername,
    ALPNProtocols: alpn.offer.length ? alpn.offer : undefined,
    minVersion: "TLSv1.2",
    ca: trust.kind === "verify" ? trust.caPem : undefined,
    // A pinned hub's CA is in no root store: the chain is checked against the pin after the handshake instead.
    rejectUnauthorized: trust.kind === "verify" && !pinOnly,
  };
  const via = opts.proxy ? ` through the proxy ${opts.proxy.label}` : "";
  const role = opts.role ?? "hub";
  const protocol = alpn.expect === "h2" ? "HTTP/2 (ALPN h2)" : `ALPN ${alpn.expect ?? alpn.offer.join(", ")}`;
  const socket = tlsConnect(tlsOptions);
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(
      () => done(`TLS with the ${role} ${hub.origin}${via} did not complete within ${opts.timeoutMs} ms`),
      Math.max(1, opts.timeoutMs - (Date.now() - started)),
    );
    const onError = (e: NodeJS.ErrnoException) => done(role === "hub" ? describeTlsError(hub, via, e, protocol) : describeReleaseServerError(hub, via, e), e);
    function done(failure?: string, cause?: unknown) {
      clearTimeout(timer);
      socket.off("error", onError);
      socket.off("secureConnect", onSecure);
      if (failure === undefined) return resolve();
      socket.destroy();
      reject(new ConnectError(failure, Code.Unavailable, undefined, undefined, cause));
    }
    function onSecure() {
      if (alpn.expect !== undefined && socket.alpnProtocol !== alpn.expect) {
        return done(role === "hub" ? notOffered(hub, via, protocol) : releaseServerWithoutH2(hub, via));
      }
      if (trust.kind === "verify" && trust.pin) {
        const why = checkPinnedChain(peerChain(socket), hub.host, trust.pin);
        if (why) return done(`the hub ${hub.origin}${via} is not the pinned hub: ${why}; check the URL, and the fingerprint against the one "dca-hub serve" prints`);
      }
      done();
    }
    socket.on("error", onError);
    socket.once("secureConnect", onSecure);
  });
  return socket;
}

/** Network failures before TLS, in words. */
const UNREACHABLE: Readonly<Record<string, string>> = {
  ECONNREFUSED: "nothing listens there",
  ENOTFOUND: "the name does not resolve",
  EAI_AGAIN: "the name cannot be resolved now",
  EHOSTUNREACH: "no route to the host",
  ENETUNREACH: "no route to the network",
  ETIMEDOUT: "no answer",
  ECONNRESET: "the connection was closed at once",
};

/** TLS failures by code: what it likely means; what to do. */
function tlsAdvice(code: string | undefined, hub: HubEndpoint): string {
  if (code === "ERR_SSL_WRONG_VERSION_NUMBER" || code === "ERR_SSL_PACKET_LENGTH_TOO_LONG" || code === "ERR_SSL_HTTP_REQUEST") {
    return `that port does not speak TLS (plain HTTP?); check the port: the hub's URL is the one "dca-hub serve" prints`;
  }
  if (code === "ERR_TLS_CERT_ALTNAME_INVALID") return `reach the hub by a name its certificate holds, or add ${hub.host} with "dca-hub serve --hostname"`;
  if (code === "CERT_HAS_EXPIRED" || code === "CERT_NOT_YET_VALID") return "check this machine's clock and the hub's certificate";
  return `give the hub's CA with --ca FILE or --ca-fingerprint sha256:... (both printed by "dca-hub serve")`;
}

/** The hub's answer lacks the protocol asked for (`protocol` in words). */
function notOffered(hub: HubEndpoint, via: string, protocol: string): string {
  return `the hub ${hub.origin}${via} does not offer ${protocol}: it is not a dca hub, or something in between strips it; check the URL and port`;
}

function describeTlsError(hub: HubEndpoint, via: string, e: NodeJS.ErrnoException, protocol: string): string {
  // The server refused every protocol offered (h2): it is not a dca hub, as when it accepts without one.
  if (e.code === "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL") return notOffered(hub, via, protocol);
  const unreachable = e.code ? UNREACHABLE[e.code] : undefined;
  if (unreachable && !via) return `cannot reach the hub ${hub.origin}: ${e.code} (${unreachable}); check the URL and that "dca-hub serve" runs there`;
  const code = e.code && !e.message.includes(e.code) ? ` (${e.code})` : "";
  return `TLS with the hub ${hub.origin}${via} failed: ${e.message}${code}; ${tlsAdvice(e.code, hub)}`;
}

/** Certificate codes that mean this machine's trusted roots do not lead to the server's certificate. */
const UNTRUSTED = new Set(["UNABLE_TO_VERIFY_LEAF_SIGNATURE", "UNABLE_TO_GET_ISSUER_CERT", "UNABLE_TO_GET_ISSUER_CERT_LOCALLY", "SELF_SIGNED_CERT_IN_CHAIN", "DEPTH_ZERO_SELF_SIGNED_CERT", "CERT_UNTRUSTED"]);

/** A release server (a CDN URL the hub named) failed: judged by the system's roots, so the advice is about those. */
function describeReleaseServerError(server: HubEndpoint, via: string, e: NodeJS.ErrnoException): string {
  const where = `the release server ${server.origin}${via}`;
  if (e.code === "ERR_SSL_TLSV1_ALERT_NO_APPLICATION_PROTOCOL") return releaseServerWithoutH2(server, via);
  const unreachable = e.code ? UNREACHABLE[e.code] : undefined;
  if (unreachable && !via) return `cannot reach ${where}: ${e.code} (${unreachable}); check the release's URL (dca-hub release list) and that this machine may reach it`;
  const code = e.code && !e.message.includes(e.code) ? ` (${e.code})` : "";
  const advice = UNTRUSTED.has(e.code ?? "")
    ? "this machine does not trust its certificate: add the CA that issued it to the system's trusted roots or name it in NODE_EXTRA_CA_CERTS (docs/release.md)"
    : e.code === "ERR_TLS_CERT_ALTNAME_INVALID"
      ? `its certificate does not name ${server.host}; check the release's URL (dca-hub release list)`
      : "check the release's URL (dca-hub release list) and the server's certificate (docs/release.md)";
  return `TLS with ${where} failed: ${e.message}${code}; ${advice}`;
}

function releaseServerWithoutH2(server: HubEndpoint, via: string): string {
  return `the release server ${server.origin}${via} does not offer HTTP/2 (ALPN h2), which agents download with; serve releases from one that does (docs/release.md)`;
}
