/**
 * How a webhook notice is signed, and how a receiver checks it
 * (docs/alerts.md "Verifying a webhook"): `X-Dca-Signature: sha256=<hex>`
 * is HMAC-SHA256 of the raw body under the channel's secret. The body holds
 * `sent_at` and `delivery`; `X-Dca-Timestamp` repeats sent_at (Unix seconds)
 * so a receiver can drop a stale request before parsing it. Since the time
 * is inside the signed body, a replayed request is refused once it is older
 * than the window, and within the window by the delivery id already seen.
 */
import { createHmac, randomBytes, timingSafeEqual } from "node:crypto";

/** `sha256=` and the hex HMAC-SHA256 of the raw body. */
export const SIGNATURE_HEADER = "x-dca-signature";
/** When the attempt was sent, Unix seconds (the body's signed `sent_at`). */
export const TIMESTAMP_HEADER = "x-dca-timestamp";
/** The notice's id, the same on each retry: what a receiver dedupes on. */
export const DELIVERY_HEADER = "x-dca-delivery";
/** alert.opened, alert.resolved or test. */
export const EVENT_HEADER = "x-dca-event";

/** How far a receiver should let a notice's time be from its own clock. */
export const REPLAY_WINDOW_SECONDS = 300;
/** Shortest secret the hub takes (a made one is 32 random bytes). */
export const MIN_SECRET_LENGTH = 16;

/** A new webhook secret: 32 random bytes, base64url. */
export function newWebhookSecret(): string {
  return randomBytes(32).toString("base64url");
}

/** The X-Dca-Signature value of a body. */
export function signBody(secret: string, body: string | Uint8Array): string {
  return `sha256=${createHmac("sha256", secret).update(body).digest("hex")}`;
}

/** What a receiver checks, with the headers and raw body it got. */
export interface WebhookCheck {
  secret: string;
  body: string | Uint8Array;
  signature: string | undefined;
  timestamp: string | undefined;
  /** The receiver's clock, ms since the epoch. */
  nowMs: number;
  windowSeconds?: number;
}

/** Whether a notice is genuine and fresh; the reason when not. */
export function verifyWebhook(c: WebhookCheck): { ok: true; payload: { delivery: string; sent_at: number } & Record<string, unknown> } | { ok: false; reason: string } {
  const want = Buffer.from(signBody(c.secret, c.body));
  const got = Buffer.from(c.signature ?? "");
  if (got.length !== want.length || !timingSafeEqual(got, want)) return { ok: false, reason: "the signature does not match" };
  const payload = JSON.parse(typeof c.body === "string" ? c.body : new TextDecoder().decode(c.body));
  if (String(payload.sent_at) !== c.timestamp) return { ok: false, reason: "the timestamp header is not the signed one" };
  const window = c.windowSeconds ?? REPLAY_WINDOW_SECONDS;
  if (Math.abs(c.nowMs / 1000 - Number(payload.sent_at)) > window) return { ok: false, reason: `sent more than ${window} s from now` };
  return { ok: true, payload };
}
