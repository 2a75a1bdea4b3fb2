/**
 * Posts a notice to a webhook: JSON, signed (webhook-signature.ts), within
 * a deadline, redirects never followed (a 3xx is a failure: the signed body
 * must reach the URL the admin gave, not wherever it points), the answer
 * read to at most a few hundred bytes for the error. Messages name the
 * URL's origin only: a path or query may hold the receiver's own token.
 */
import http from "node:http";
import https from "node:https";
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import type { WebhookSettings } from "../store/index.ts";
import { type Notice, webhookBody } from "./alert-notice.ts";
import { DELIVERY_HEADER, EVENT_HEADER, SIGNATURE_HEADER, TIMESTAMP_HEADER, signBody } from "./webhook-signature.ts";
import { isLoopbackHost } from "./channel-checks.ts";

/** How long one attempt may take, connection to answer. */
export const WEBHOOK_TIMEOUT_MS = 10_000;
/** How much of an error answer is kept. */
const MAX_ANSWER = 300;

/** Options of one attempt. */
export interface WebhookSendOptions {
  /** Wall time of the attempt (the signed sent_at), ms. */
  nowMs: number;
  timeoutMs?: number;
  /** Ends the attempt (the hub stopping). */
  signal?: AbortSignal;
}

/** Posts `notice`; resolves on a 2xx answer, throws a DcaError saying what went wrong otherwise. */
export function sendWebhook(settings: WebhookSettings, secret: string, notice: Notice, opts: WebhookSendOptions): Promise<void> {
  const url = new URL(settings.url);
  const where = url.origin;
  if (url.protocol === "http:" && !settings.allowHttp && !isLoopbackHost(url.hostname)) {
    return Promise.reject(new DcaError("failed-precondition", `webhook ${where} is plain http: give an https:// URL, or allow http explicitly`));
  }
  const sentAt = Math.floor(opts.nowMs / 1000);
  const body = webhookBody(notice, sentAt);
  const headers = {
    "content-type": "application/json",
    "content-length": String(Buffer.byteLength(body)),
    "user-agent": "dca-hub",
    [EVENT_HEADER]: notice.event === "test" ? "test" : `alert.${notice.event}`,
    [DELIVERY_HEADER]: notice.deliveryId,
    [TIMESTAMP_HEADER]: String(sentAt),
    [SIGNATURE_HEADER]: signBody(secret, body),
  };
  const timeoutMs = opts.timeoutMs ?? WEBHOOK_TIMEOUT_MS;
  return new Promise<void>((resolve, reject) => {
    let settled = false;
    const finish = (e?: DcaError) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener("abort", onAbort);
      if (e) reject(e);
      else resolve();
    };
    const mod = url.protocol === "https:" ? https : http;
    const req = mod.request(url, {
      method: "POST",
      headers,
      ...(url.protocol === "https:" && { ca: settings.caPem || undefined, minVersion: "TLSv1.2" as const }),
      agent: false,
    });
    const timer = setTimeout(() => {
      finish(new DcaError("deadline-exceeded", `webhook ${where} did not answer within ${timeoutMs / 1000} s`));
      req.destroy();
    }, timeoutMs);
    const onAbort = () => {
      finish(new DcaError("canceled", `webhook ${where}: the hub is stopping`));
      req.destroy();
    };
    opts.signal?.addEventListener("abort", onAbort, { once: true });
    req.on("error", (e) => finish(connectError(where, e)));
    req.on("response", (res) => {
      const status = res.statusCode ?? 0;
      if (status >= 200 && status < 300) {
        // The answer's body is not needed: a receiver that streams one forever does not hold the hub.
        finish();
        res.destroy();
        return;
      }
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => {
        text += chunk;
        if (text.length >= MAX_ANSWER) res.destroy();
      });
      const fail = () => finish(answerError(where, status, res.headers.location, text));
      res.on("end", fail);
      res.on("close", fail);
      res.on("error", fail);
    });
    req.end(body);
  });
}

function answerError(where: string, status: number, location: string | undefined, text: string): DcaError {
  if (status >= 300 && status < 400) {
    const to = location && URL.canParse(location, where) ? ` to ${new URL(location, where).origin}` : "";
    return new DcaError("failed-precondition", `webhook ${where} answered ${status} (a redirect${to}), which the hub does not follow; give the final URL`);
  }
  const said = cleanText(text, 200);
  return new DcaError(status >= 500 || status === 429 || status === 408 ? "unavailable" : "failed-precondition", `webhook ${where} answered ${status}${said ? `: ${said}` : ""}`);
}

function connectError(where: string, e: Error & { code?: string }): DcaError {
  const code = e.code ?? "";
  if (code === "ECONNREFUSED") return new DcaError("unavailable", `webhook ${where} refused the connection; is the receiver running?`);
  if (code === "ENOTFOUND" || code === "EAI_AGAIN") return new DcaError("unavailable", `webhook ${where}: the host name does not resolve`);
  if (/CERT|SELF_SIGNED|UNABLE_TO_VERIFY|HOSTNAME|ERR_TLS/i.test(code) || /certificate/i.test(e.message)) {
    return new DcaError("failed-precondition", `webhook ${where}: its certificate is not trusted (${cleanText(e.message, 120)}); give its CA with --channel-ca`);
  }
  return new DcaError("unavailable", `webhook ${where}: ${cleanText(e.message, 160) || code || "the connection failed"}`);
}
