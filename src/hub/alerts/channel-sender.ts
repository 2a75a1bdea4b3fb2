/**
 * Sends one notice to one channel, whatever its kind. Every failure comes
 * back as one line that names the channel and never holds its secret (a
 * peer's error text is scrubbed of it too, in case it echoes a credential).
 */
import { DcaError } from "../../common/errors.ts";
import type { ChannelForSending } from "../store/index.ts";
import type { Notice } from "./alert-notice.ts";
import { sendMail } from "./smtp-sender.ts";
import { sendWebhook } from "./webhook-sender.ts";

/** What sending needs besides the channel and the notice. */
export interface SendOptions {
  /** Wall time of the attempt, ms (the webhook's signed sent_at). */
  nowMs: number;
  /** Per attempt (webhook) or per step (SMTP). */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** Sends a notice to a channel; how the hub does it, so tests can put their own in its place. */
export type ChannelSender = (channel: ChannelForSending, notice: Notice, opts: SendOptions) => Promise<void>;

/** The real sender: a signed webhook POST, or an e-mail over SMTP. */
export const sendToChannel: ChannelSender = async (channel, notice, opts) => {
  try {
    if (channel.settings.kind === "webhook") await sendWebhook(channel.settings.webhook, channel.secret, notice, opts);
    else await sendMail(channel.settings.smtp, channel.secret, notice, { timeoutMs: opts.timeoutMs, signal: opts.signal });
  } catch (e) {
    const err = DcaError.from(e);
    throw new DcaError(err.code, scrub(err.message, channel.secret), { reason: err.reason });
  }
};

/** `text` without any occurrence of `secret`. */
export function scrub(text: string, secret: string): string {
  return secret.length >= 4 ? text.split(secret).join("<secret>") : text;
}
