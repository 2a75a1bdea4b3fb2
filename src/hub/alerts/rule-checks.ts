/**
 * What a rule's terms may be (docs/alerts.md "Rules"): each kind takes the
 * one term it needs, in a range that makes sense for a fleet read every few
 * minutes to hours. Refusals say which values are allowed.
 */
import { DcaError } from "../../common/errors.ts";
import { cleanText } from "../../common/text.ts";
import { ALERT_RULE_KINDS, type AlertRuleKind } from "../store/index.ts";

/** Shortest duration a rule takes. */
export const MIN_RULE_SECONDS = 60;
/** Longest duration a rule takes. */
export const MAX_RULE_SECONDS = 365 * 86_400;
/** A counter-flagged rule's window when none is given. */
export const DEFAULT_FLAG_WINDOW_SECONDS = 86_400;
/** Longest rule name. */
export const MAX_RULE_NAME = 100;

/** A rule's terms as asked for. */
export interface RuleInput {
  kind: string;
  percent: number;
  state: string;
  seconds: number;
}

/** The terms a rule keeps: only its kind's own, the others zero. */
export interface RuleTermsChecked {
  kind: AlertRuleKind;
  percent?: number;
  state?: "low" | "empty";
  seconds?: number;
}

const isKind = (k: string): k is AlertRuleKind => (ALERT_RULE_KINDS as readonly string[]).includes(k);

/** Checks a rule's kind and its term; throws invalid-argument naming what is allowed. */
export function checkRuleTerms(r: RuleInput): RuleTermsChecked {
  const kind = r.kind.trim();
  if (!isKind(kind)) throw new DcaError("invalid-argument", `an alert rule's kind is one of ${ALERT_RULE_KINDS.join(", ")}, got "${cleanText(r.kind, 40)}"`);
  switch (kind) {
    case "supply-below":
      if (!(r.percent > 0 && r.percent <= 100)) throw new DcaError("invalid-argument", `supply-below needs --percent above 0 and at most 100, got ${r.percent}`);
      return { kind, percent: r.percent };
    case "supply-state": {
      const state = r.state.trim() || "low";
      if (state !== "low" && state !== "empty") throw new DcaError("invalid-argument", `supply-state needs --state low or empty, got "${cleanText(r.state, 20)}"`);
      return { kind, state };
    }
    default: {
      const seconds = r.seconds || (kind === "counter-flagged" ? DEFAULT_FLAG_WINDOW_SECONDS : 0);
      if (!Number.isInteger(seconds) || seconds < MIN_RULE_SECONDS || seconds > MAX_RULE_SECONDS) {
        throw new DcaError("invalid-argument", `${kind} needs --for a duration from 1m to 365d, got ${seconds ? `${seconds} s` : "none"}`);
      }
      return { kind, seconds };
    }
  }
}

/** A rule's name: the one given (cleaned), else its terms in words. */
export function ruleName(given: string, described: string): string {
  return cleanText(given, MAX_RULE_NAME) || described;
}
