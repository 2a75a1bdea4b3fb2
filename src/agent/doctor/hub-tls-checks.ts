/**
 * TLS to the hub as the agent does it (openHubSocket: through the proxy if
 * any, the hub's CA or pin, or the system roots), then what the connection
 * shows: the certificate's names and expiry, and whether the hub speaks
 * HTTP/2, which the agent's gRPC line needs. One connection serves all three
 * rows; it offers h2 and http/1.1 so that a middlebox that strips HTTP/2
 * is named as such instead of failing the handshake.
 */
import type { TLSSocket } from "node:tls";
import { ConnectError } from "@connectrpc/connect";
import { fetchHubCa, openHubSocket } from "../transport/index.ts";
import { peerChain } from "../../common/pinned-chain.ts";
import { type CheckContext, type CheckOutcome, fail, pass } from "./check-result.ts";
import type { DoctorSetup } from "./doctor-setup.ts";

/** What the TLS step hands on: the open socket (the caller closes it), and the CA the agent trusts, once known. */
export interface HubTlsState {
  socket?: TLSSocket;
  caPem?: string;
}

const DAY_MS = 86_400_000;

/** TLS with the hub's port succeeds and the hub is the one the agent trusts. */
export async function checkHubTls(s: DoctorSetup, ctx: CheckContext, state: HubTlsState): Promise<CheckOutcome> {
  const { hub } = s;
  const action = `let TLS to ${hub.authority} through untouched (no TLS inspection: the agent trusts only ${s.pin || s.caPem ? "the hub's own CA" : "the hub's certificate chain"}), and check the hub URL`;
  try {
    let caPem = s.caPem;
    // A pin without the CA's copy (dca doctor --ca-fingerprint): fetch it as activation does, checked against the pin.
    if (s.pin && !caPem) caPem = (await fetchHubCa(s.hubUrl, { expectFingerprint: s.pin, proxy: s.proxyUrl ? { url: s.proxyUrl } : undefined, timeoutMs: ctx.timeoutMs })).pem;
    state.caPem = caPem;
    state.socket = await openHubSocket({ hub, proxy: s.proxy, trust: { kind: "verify", caPem, pin: s.pin }, timeoutMs: ctx.timeoutMs, alpn: { offer: ["h2", "http/1.1"] } });
  } catch (e) {
    const message = e instanceof ConnectError ? e.rawMessage : (e as Error).message;
    return fail(message, action);
  }
  const trusted = s.pin ? `the pinned CA ${s.pin.slice(0, 23)}...` : s.caPem ? "the hub's CA saved at activation" : "this PC's trusted CAs";
  return pass(`${state.socket.getProtocol() ?? "TLS"} with ${hub.authority}, certificate trusted by ${trusted}`);
}

/** The hub's certificate: its names and how long it stays valid. */
export function checkHubCertificate(s: DoctorSetup, state: HubTlsState, now = Date.now()): CheckOutcome {
  const leaf = state.socket ? peerChain(state.socket)[0] : undefined;
  if (!leaf) return fail("the hub presented no certificate", "check the hub URL");
  const names = (leaf.subjectAltName ?? "").split(/,\s*/).map((n) => n.replace(/^(DNS|IP Address):/, "")).filter(Boolean);
  const until = leaf.validToDate ?? new Date(leaf.validTo);
  const days = Math.floor((until.getTime() - now) / DAY_MS);
  const validity = `valid until ${until.toISOString().slice(0, 10)} (${days} days)`;
  const shown = names.length > 6 ? `${names.slice(0, 6).join(", ")} and ${names.length - 6} more` : names.join(", ");
  // The handshake already refused an expired certificate or a wrong name; this says what the IT team may ask about.
  if (days < 14) return pass(`for ${shown}; ${validity}: renew it soon on the hub`);
  return pass(`for ${shown || "(no names)"}; ${validity}`);
}

/** The hub chose HTTP/2 (ALPN h2), which the agent's gRPC line needs. */
export function checkHubHttp2(s: DoctorSetup, state: HubTlsState): CheckOutcome {
  const chosen = state.socket?.alpnProtocol;
  if (chosen === "h2") return pass("the hub answers HTTP/2 (ALPN h2)");
  return fail(
    `${s.hub.authority} answers TLS but not HTTP/2 (it chose ${chosen ? chosen : "no protocol"}): it is not a dca hub, or something on the way speaks only HTTP/1.1`,
    `let HTTP/2 through to ${s.hub.authority} (exempt it from TLS inspection), and check the hub URL`,
  );
}
