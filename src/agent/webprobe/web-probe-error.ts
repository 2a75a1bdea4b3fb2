/**
 * The web probe's one error class. Each port's failure becomes a message
 * in its WebPortResult; only a bad request (ports out of range, too many)
 * is thrown out of probeWeb. Codes: `unavailable` (refused, unreachable, a
 * failed TLS handshake), `deadline-exceeded`, `malformed` (not HTTP),
 * `invalid-argument` (a request we will not make).
 */
import { DcaError, thrownParts } from "../../common/errors.ts";

/** A web probe failure with a message fit for an operator. */
export class WebProbeError extends DcaError {
  override name = "WebProbeError";

  /** Keeps a WebProbeError; sorts what a socket threw: refused, unreachable or a TLS failure (`tls`: during a handshake). */
  static fromSocket(e: unknown, target: string, tls: boolean): WebProbeError {
    if (e instanceof WebProbeError) return e;
    const { code, text } = thrownParts(e);
    const unavailable = (message: string) => new WebProbeError("unavailable", message, { cause: e });
    if (code === "ECONNREFUSED") return unavailable(`${target}: connection refused (nothing listens)`);
    if (["EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EHOSTDOWN", "EADDRNOTAVAIL"].includes(code)) return unavailable(`${target}: cannot reach the host (${code})`);
    if (tls && (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || /ssl|tls|handshake|certificate|wrong version/i.test(text)))
      return unavailable(`${target}: TLS handshake failed (${code || text.slice(0, 120)})${/WRONG_VERSION_NUMBER/.test(code) ? "; the port may not speak TLS" : ""}`);
    if (code === "ECONNRESET" && tls) return unavailable(`${target}: connection reset during the TLS handshake`);
    if (code === "ECONNRESET") return unavailable(`${target}: connection reset`);
    return unavailable(`${target}: ${code || text.slice(0, 160)}`);
  }
}
