/**
 * What the hub takes as a channel's settings (docs/alerts.md "Channels"):
 * checked when an admin sets them, so a notice never fails for a setting
 * that could have been refused then. Plain http and SMTP without TLS are
 * refused off loopback unless asked for, and a password never goes over
 * SMTP without TLS to another host.
 */
import { X509Certificate } from "node:crypto";
import { isIP } from "node:net";
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import type { SmtpSecurity, SmtpSettings, WebhookSettings } from "../store/index.ts";

/** Longest URL, host, address or name taken. */
const MAX_URL = 2048;
const MAX_HOST = 253;
const MAX_ADDRESS = 254;
/** Most recipients of one SMTP channel. */
export const MAX_RECIPIENTS = 20;
/** Most bytes of CA certificates one channel keeps. */
export const MAX_CA_BYTES = 64 * 1024;
const SECURITIES: readonly SmtpSecurity[] = ["starttls", "tls", "none"];

/** A channel's name: 1-64 of letters, digits, ".", "_", "-". */
export function checkChannelName(name: string): string {
  const n = name.trim();
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/.test(n)) throw new DcaError("invalid-argument", `an alert channel's name is 1-64 letters, digits, ".", "_" or "-", got "${cleanText(name, 70)}"`);
  return n;
}

/** Whether a URL host is loopback (127.0.0.0/8, ::1, localhost). */
export function isLoopbackHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, "").toLowerCase();
  return h === "localhost" || h === "::1" || (isIP(h) === 4 && h.startsWith("127."));
}

/** CA certificates in PEM, each parsed; "" when none is given. */
export function checkCaPem(pem: string): string {
  const text = pem.trim();
  if (!text) return "";
  if (text.length > MAX_CA_BYTES) throw new DcaError("invalid-argument", `the CA file is over ${MAX_CA_BYTES} bytes: give only the CA certificates (PEM)`);
  const blocks = text.match(/-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g) ?? [];
  if (!blocks.length) throw new DcaError("invalid-argument", "the CA file holds no PEM certificate (-----BEGIN CERTIFICATE-----)");
  for (const b of blocks) {
    try {
      new X509Certificate(b);
    } catch {
      throw new DcaError("invalid-argument", "the CA file holds a certificate that does not parse; give the CA certificates in PEM");
    }
  }
  return `${blocks.join("\n")}\n`;
}

/** A webhook's settings, checked: an http(s) URL without credentials in it; http only to loopback unless allowed. */
export function checkWebhook(s: WebhookSettings): WebhookSettings {
  const text = s.url.trim();
  const url = text.length <= MAX_URL && URL.canParse(text) ? new URL(text) : undefined;
  if (!url || (url.protocol !== "https:" && url.protocol !== "http:") || !url.hostname) {
    throw new DcaError("invalid-argument", "the webhook URL must be an https:// URL (at most 2048 characters)");
  }
  if (url.username || url.password) throw new DcaError("invalid-argument", "the webhook URL must not hold a user or password; the hub signs each notice instead (X-Dca-Signature)");
  if (url.hash) throw new DcaError("invalid-argument", "the webhook URL must not have a #fragment");
  if (url.protocol === "http:" && !s.allowHttp && !isLoopbackHost(url.hostname)) {
    throw new DcaError("invalid-argument", `the webhook URL is plain http to ${url.host}: give an https:// URL, or --allow-http to send notices unencrypted`);
  }
  return { url: url.href, allowHttp: s.allowHttp, caPem: checkCaPem(s.caPem) };
}

/** An e-mail address as SMTP takes it (local@domain, no spaces or angle brackets). */
export function checkAddress(address: string, what: string): string {
  const a = address.trim();
  if (a.length > MAX_ADDRESS || !/^[^\s@<>(),;:"]+@[A-Za-z0-9.-]+$/.test(a)) throw new DcaError("invalid-argument", `${what} must be an e-mail address such as alerts@example.com, got "${cleanText(address, 80)}"`);
  return a;
}

/** An SMTP relay's settings, checked; `hasPassword` says whether a password is (or stays) set. */
export function checkSmtp(s: SmtpSettings, hasPassword: boolean): SmtpSettings {
  const host = s.host.trim();
  if (!host || host.length > MAX_HOST || !/^[A-Za-z0-9.:[\]-]+$/.test(host)) throw new DcaError("invalid-argument", `the SMTP host must be a host name or address, got "${cleanText(s.host, 80)}"`);
  if (!SECURITIES.includes(s.security)) throw new DcaError("invalid-argument", `the SMTP security must be starttls, tls or none, got "${cleanText(s.security, 20)}"`);
  const port = s.port || (s.security === "tls" ? 465 : 587);
  if (!Number.isInteger(port) || port < 1 || port > 65_535) throw new DcaError("invalid-argument", `the SMTP port must be from 1 to 65535, got ${s.port}`);
  const username = s.username.trim();
  if (username.length > 256) throw new DcaError("invalid-argument", "the SMTP username is over 256 characters");
  if (s.security === "none" && (username || hasPassword) && !isLoopbackHost(host)) {
    throw new DcaError("invalid-argument", `SMTP to ${host} without TLS would send the password in clear; use --security starttls or tls`);
  }
  if (hasPassword && !username) throw new DcaError("invalid-argument", "an SMTP password needs a --username");
  const to = [...new Set(s.to.map((t) => checkAddress(t, "each --to")))];
  if (!to.length) throw new DcaError("invalid-argument", "give at least one --to address");
  if (to.length > MAX_RECIPIENTS) throw new DcaError("invalid-argument", `at most ${MAX_RECIPIENTS} --to addresses per channel`);
  return { host, port, security: s.security, username, from: checkAddress(s.from, "--from"), to, caPem: checkCaPem(s.caPem) };
}
