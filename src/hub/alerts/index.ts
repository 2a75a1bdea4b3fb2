/** Alerts (docs/alerts.md): the evaluation loop, the senders (signed webhook, SMTP) and the checks of what an admin sets. */
export { ALERT_EVERY_MS, type AlertLoop, type AlertLoopOptions, startAlerts } from "./start-alerts.ts";
export { ALERT_LIMITS, type AlertLimits, type EvaluationResult, createAlertEvaluator } from "./alert-evaluator.ts";
export { MAX_ATTEMPTS, RETRY_DELAYS_MS, deliverDue, noticeOf } from "./alert-deliverer.ts";
export { type ChannelSender, type SendOptions, scrub, sendToChannel } from "./channel-sender.ts";
export { type Notice, type RuleTerms, describeRule, mailOf, webhookBody } from "./alert-notice.ts";
export { MAX_CA_BYTES, MAX_RECIPIENTS, checkAddress, checkCaPem, checkChannelName, checkSmtp, checkWebhook, isLoopbackHost } from "./channel-checks.ts";
export {
  DELIVERY_HEADER,
  EVENT_HEADER,
  MIN_SECRET_LENGTH,
  REPLAY_WINDOW_SECONDS,
  SIGNATURE_HEADER,
  TIMESTAMP_HEADER,
  newWebhookSecret,
  signBody,
  verifyWebhook,
} from "./webhook-signature.ts";
export { WEBHOOK_TIMEOUT_MS, sendWebhook } from "./webhook-sender.ts";
export { SMTP_STEP_TIMEOUT_MS, sendMail } from "./smtp-sender.ts";
export { DEFAULT_FLAG_WINDOW_SECONDS, MAX_RULE_SECONDS, MIN_RULE_SECONDS, type RuleInput, checkRuleTerms, ruleName } from "./rule-checks.ts";
