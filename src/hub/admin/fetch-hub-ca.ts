/**
 * `dca-hub login --ca-fingerprint FP`: the CA the hub presents, kept only
 * if the chain leads from a certificate valid for the hub's name to the
 * certificate with the fingerprint the operator copied from "dca-hub serve"
 * (the agent's rule, src/common/pinned-chain.ts). Nothing is trusted while fetching.
 */
import { connect } from "node:tls";
import { isIP } from "node:net";
import { DcaError } from "../../common/errors.ts";
import { checkPinnedChain, fingerprintOf, normalizeFingerprint, peerChain } from "../../common/pinned-chain.ts";

/** The PEM of the pinned CA of the hub at `hubUrl` (https://host:port). */
export async function fetchPinnedCa(hubUrl: string, fingerprint: string, timeoutMs = 15_000): Promise<string> {
  const pin = normalizeFingerprint(fingerprint);
  const u = new URL(hubUrl);
  const host = u.hostname.replace(/^\[|\]$/g, "");
  const port = Number(u.port || 443);
  const socket = connect({ host, port, servername: isIP(host) ? undefined : host, rejectUnauthorized: false, ALPNProtocols: ["h2"] });
  try {
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new DcaError("unavailable", `the hub ${u.origin} did not answer within ${timeoutMs / 1000} s`)), timeoutMs);
      socket.once("secureConnect", () => (clearTimeout(timer), resolve()));
      socket.once("error", (e) => (clearTimeout(timer), reject(new DcaError("unavailable", `cannot reach the hub ${u.origin} (${e.message}); is it running, and is the URL right?`))));
    });
    const chain = peerChain(socket);
    const why = checkPinnedChain(chain, host, pin);
    if (why) throw new DcaError("unavailable", `the hub ${u.origin} does not present the CA ${pin}: ${why}; check the URL, and the fingerprint against the one "dca-hub serve" prints`);
    return chain.find((c) => fingerprintOf(c.raw) === pin)!.toString();
  } finally {
    socket.destroy();
  }
}
