/**
 * Sends a notice by e-mail through the channel's SMTP relay (nodemailer).
 * STARTTLS is required unless the channel says otherwise: a relay that does
 * not offer it is refused before anything is sent, not used in clear. The
 * certificate is checked (against the channel's CA when it has one), every
 * step has a timeout, and nodemailer may read no file or URL on our behalf.
 */
import { createTransport } from "nodemailer";
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import type { SmtpSettings } from "../store/index.ts";
import { type Notice, mailOf } from "./alert-notice.ts";

/** Each step's timeout (connect, greeting, a silent socket). */
export const SMTP_STEP_TIMEOUT_MS = 10_000;

/** Options of one attempt. */
export interface SmtpSendOptions {
  timeoutMs?: number;
  /** Ends the attempt (the hub stopping). */
  signal?: AbortSignal;
}

/** What nodemailer's errors carry besides a message. */
interface MailerError extends Error {
  code?: string;
  responseCode?: number;
  response?: string;
}

/** Sends `notice` to the channel's recipients; throws a DcaError saying what went wrong. */
export async function sendMail(settings: SmtpSettings, password: string, notice: Notice, opts: SmtpSendOptions = {}): Promise<void> {
  const timeout = opts.timeoutMs ?? SMTP_STEP_TIMEOUT_MS;
  const where = `SMTP ${settings.host}:${settings.port}`;
  const transport = createTransport({
    host: settings.host,
    port: settings.port,
    secure: settings.security === "tls",
    requireTLS: settings.security === "starttls",
    ignoreTLS: settings.security === "none",
    auth: settings.username ? { user: settings.username, pass: password } : undefined,
    tls: { ca: settings.caPem || undefined, minVersion: "TLSv1.2", rejectUnauthorized: true },
    connectionTimeout: timeout,
    greetingTimeout: timeout,
    socketTimeout: timeout,
    dnsTimeout: timeout,
    disableFileAccess: true,
    disableUrlAccess: true,
    logger: false,
    debug: false,
  });
  const onAbort = () => transport.close();
  opts.signal?.addEventListener("abort", onAbort, { once: true });
  try {
    const mail = mailOf(notice);
    await transport.sendMail({
      from: settings.from,
      to: settings.to,
      subject: mail.subject,
      text: mail.text,
      headers: { "X-Dca-Delivery": notice.deliveryId, "X-Dca-Event": notice.event === "test" ? "test" : `alert.${notice.event}` },
    });
  } catch (e) {
    if (opts.signal?.aborted) throw new DcaError("canceled", `${where}: the hub is stopping`);
    throw mailError(where, e as MailerError);
  } finally {
    opts.signal?.removeEventListener("abort", onAbort);
    transport.close();
  }
}

function mailError(where: string, e: MailerError): DcaError {
  const said = cleanText(e.response ?? e.message ?? "", 200);
  switch (e.code) {
    case "ETLS":
      return /STARTTLS/i.test(e.message)
        ? new DcaError("failed-precondition", `${where} does not offer STARTTLS, which this channel requires; use a relay that does (or --security tls for port 465)`)
        : new DcaError("failed-precondition", `${where}: TLS failed (${said}); check the relay's certificate, or give its CA with --channel-ca`);
    case "EAUTH":
      return new DcaError("unauthenticated", `${where} refused the sign-in (${said}); check --username and the password`);
    case "ECONNECTION":
    case "ESOCKET":
      if (/certificate|self.signed|unable to verify/i.test(e.message)) {
        return new DcaError("failed-precondition", `${where}: its certificate is not trusted (${cleanText(e.message, 120)}); give its CA with --channel-ca`);
      }
      return new DcaError("unavailable", `${where}: ${cleanText(e.message, 160)}`);
    case "ETIMEDOUT":
      return new DcaError("deadline-exceeded", `${where} did not answer in time`);
    case "EDNS":
      return new DcaError("unavailable", `${where}: the host name does not resolve`);
    case "EENVELOPE":
      return new DcaError("failed-precondition", `${where} refused the sender or a recipient (${said})`);
    default:
      return new DcaError(e.responseCode && e.responseCode < 500 ? "unavailable" : "failed-precondition", `${where}: ${said || e.code || "sending failed"}`);
  }
}
