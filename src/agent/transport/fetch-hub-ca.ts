/**
 * Trust on first use, with the operator as the judge: `dca activate
 * --ca-fingerprint` fetches the CA the hub presents and keeps it only if
 * its fingerprint is the one the operator copied from the hub's start-up
 * message. Nothing is verified while fetching; the comparison is the check.
 */
import { X509Certificate } from "node:crypto";
import { Code, ConnectError } from "@connectrpc/connect";
import { normalizeFingerprint, parseHubUrl } from "./hub-endpoint.ts";
import { openHubSocket } from "./hub-socket.ts";
import { checkPinnedChain, fingerprintOf, peerChain } from "../../common/pinned-chain.ts";
import { type ProxyEnv, chooseProxy } from "./proxy-config.ts";

/** Options of fetchHubCa. */
export interface FetchHubCaOptions {
  /** As for createHubTransport: the given proxy, else the environment's. */
  proxy?: { url: string };
  /**
   * The pin the operator gave: when set, the certificate is returned only if
   * the hub's chain leads to it and the leaf is valid for the hub's name;
   * otherwise the call fails.
   */
  expectFingerprint?: string;
  /** Default 30 s. */
  timeoutMs?: number;
  env?: ProxyEnv;
}

/** A CA certificate as the agent stores it. */
export interface FetchedCa {
  pem: string;
  /** "sha256:" + hex of its DER. */
  fingerprint: string;
}

/**
 * Connects to the hub without verifying it and returns the top certificate
 * of the chain it presents (with expectFingerprint: the certificate with that
 * fingerprint, after checking the chain leads to it).
 */
export async function fetchHubCa(hubUrl: string, opts: FetchHubCaOptions = {}): Promise<FetchedCa> {
  const hub = parseHubUrl(hubUrl);
  const pin = opts.expectFingerprint === undefined ? undefined : normalizeFingerprint(opts.expectFingerprint);
  const proxy = chooseProxy(hub, opts.proxy, opts.env);
  const socket = await openHubSocket({ hub, proxy, trust: { kind: "none" }, timeoutMs: opts.timeoutMs ?? 30_000 });
  let chain: X509Certificate[];
  try {
    chain = peerChain(socket);
  } finally {
    socket.destroy();
  }
  let chosen = chain[chain.length - 1];
  if (pin) {
    const why = checkPinnedChain(chain, hub.host, pin);
    if (why) throw new ConnectError(`the hub ${hub.origin} does not present the CA ${pin}: ${why}; check the URL, and the fingerprint against the one "dca-hub serve" prints`, Code.Unavailable);
    chosen = chain.find((c) => fingerprintOf(c.raw) === pin)!;
  }
  if (!chosen) throw new ConnectError(`the hub ${hub.origin} presented no certificate`, Code.Unavailable);
  return { pem: chosen.toString(), fingerprint: fingerprintOf(chosen.raw) };
}
