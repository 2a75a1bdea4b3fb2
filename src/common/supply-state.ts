/**
 * What a supply's state means to a person, and when it needs attention: the
 * hub's overview, device page and metrics say it the same way. A level of
 * -1, -2 or -3 is a state, never a percentage (RFC 3805), so those states
 * are named with the level they came from.
 */
import { type Supply, SupplyState, SupplyType } from "../gen/dca/v1/reading_pb.ts";

/** At or below this percent a supply is low (the agent's reader uses the same threshold). */
export const SUPPLY_LOW_PERCENT = 10;

const LABELS: Record<SupplyState, string> = {
  [SupplyState.UNSPECIFIED]: "not stated",
  [SupplyState.OK]: "ok",
  [SupplyState.LOW]: "low",
  [SupplyState.EMPTY]: "empty",
  [SupplyState.UNKNOWN]: "unknown (level -2)",
  [SupplyState.SOME_REMAINING]: "some remaining (level -3)",
  [SupplyState.UNLIMITED]: "unlimited (level -1)",
  [SupplyState.FULL]: "full",
};

/** The supply's state in words; an unknown level that is not -2 is not called -2. */
export function supplyStateLabel(s: Pick<Supply, "state" | "level">): string {
  if (s.state === SupplyState.UNKNOWN && s.level !== -2) return "unknown";
  return LABELS[s.state] ?? "not stated";
}

/** Low, empty or full (a receptacle), or a known level at or below SUPPLY_LOW_PERCENT. */
export function supplyNeedsAttention(s: Pick<Supply, "state" | "percent">): boolean {
  if (s.state === SupplyState.LOW || s.state === SupplyState.EMPTY || s.state === SupplyState.FULL) return true;
  return s.percent !== undefined && Number.isFinite(s.percent) && s.percent <= SUPPLY_LOW_PERCENT;
}

/** The supply type in words ("toner cartridge"); "" when unspecified. */
export function supplyKindLabel(type: SupplyType): string {
  if (type === SupplyType.UNSPECIFIED) return "";
  const name = SupplyType[type];
  return name ? name.toLowerCase().replace(/_/g, " ") : `type ${type}`;
}
