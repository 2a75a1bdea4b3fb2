/**
 * The web probe's one error class. Each port's failure becomes a message
 * in its WebPortResult; only a bad request (ports out of range, too many)
 * is thrown out of probeWeb.
 */
import { CodedError, thrownParts } from "../../common/coded-error.ts";

/**
 * What went wrong:
 * - `refused`: nothing listens (connection refused or reset at once).
 * - `unreachable`: no route, host down, name not found.
 * - `timeout`: no (complete) answer in time.
 * - `tls`: the TLS handshake failed.
 * - `not-http`: the server answered, but not with HTTP.
 * - `invalid-argument`: the caller asked for something we will not do.
 */
export type WebProbeErrorCode = "refused" | "unreachable" | "timeout" | "tls" | "not-http" | "invalid-argument";

/** A web probe failure with a closed `code` and a message fit for an operator. */
export class WebProbeError extends CodedError<WebProbeErrorCode> {
  override name = "WebProbeError";

  /** Keeps a WebProbeError; sorts what a socket threw into refused, unreachable or tls. */
  static from(e: unknown, target: string, tls: boolean): WebProbeError {
    if (e instanceof WebProbeError) return e;
    const { code, text } = thrownParts(e);
    if (code === "ECONNREFUSED") return new WebProbeError("refused", `${target}: connection refused (nothing listens)`, { cause: e });
    if (["EHOSTUNREACH", "ENETUNREACH", "ENOTFOUND", "EAI_AGAIN", "EHOSTDOWN", "EADDRNOTAVAIL"].includes(code))
      return new WebProbeError("unreachable", `${target}: cannot reach the host (${code})`, { cause: e });
    if (tls && (code.startsWith("ERR_SSL") || code.startsWith("ERR_TLS") || /ssl|tls|handshake|certificate|wrong version/i.test(text)))
      return new WebProbeError("tls", `${target}: TLS handshake failed (${code || text.slice(0, 120)})${/WRONG_VERSION_NUMBER/.test(code) ? "; the port may not speak TLS" : ""}`, {
        cause: e,
      });
    if (code === "ECONNRESET" && tls) return new WebProbeError("tls", `${target}: connection reset during the TLS handshake`, { cause: e });
    if (code === "ECONNRESET") return new WebProbeError("refused", `${target}: connection reset`, { cause: e });
    return new WebProbeError("unreachable", `${target}: ${code || text.slice(0, 160)}`, { cause: e });
  }
}
