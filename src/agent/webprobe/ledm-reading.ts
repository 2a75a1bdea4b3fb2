/**
 * An LEDM answer as a DeviceReading, so a web probe of an HP device can
 * put the same kind of record in the outbox as an SNMP read. Only what the
 * pages say is filled in; a supply without a percentage keeps none.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import type { LedmConsumable } from "../../gen/dca/v1/agent_service_pb.ts";
import {
  type Counter,
  type DeviceReading,
  DeviceReadingSchema,
  type Supply,
  SupplySchema,
  SupplyState,
  SupplyType,
} from "../../gen/dca/v1/reading_pb.ts";
import type { LedmProductInfo } from "./ledm.ts";

/** DeviceReading.profile of a reading built from LEDM pages. */
export const LEDM_PROFILE = "ledm";

/** Supply.level_oid of a level read from ConsumableConfigDyn. */
export const LEDM_CONSUMABLES_SOURCE = "ledm:ConsumableConfigDyn";

/** HP label codes (ConsumableLabelCode) to colour names. */
const COLORS: Record<string, string> = {
  K: "black",
  C: "cyan",
  M: "magenta",
  Y: "yellow",
  CMY: "tricolor",
  MK: "matte black",
  PK: "photo black",
  G: "gray",
  LG: "light gray",
  LC: "light cyan",
  LM: "light magenta",
  R: "red",
  CK: "cyan black",
};

/** ConsumableTypeEnum to PrtMarkerSuppliesTypeTC. */
const TYPES: Record<string, SupplyType> = {
  toner: SupplyType.TONER,
  tonerCartridge: SupplyType.TONER_CARTRIDGE,
  ink: SupplyType.INK,
  inkCartridge: SupplyType.INK_CARTRIDGE,
  inkTank: SupplyType.INK,
};

/** ConsumableState words to what a dealer acts on. */
function stateOf(state: string, percent: number): SupplyState {
  const s = state.toLowerCase();
  if (s === "ok" || s === "new" || s === "newgenuinehp") return SupplyState.OK;
  if (s === "low" || s === "verylow" || s === "almostout") return SupplyState.LOW;
  if (s === "out" || s === "empty" || s === "veryverylow") return SupplyState.EMPTY;
  if (percent === 0) return SupplyState.EMPTY;
  if (percent > 0) return SupplyState.OK;
  return SupplyState.UNKNOWN;
}

/** One LedmConsumable as a Supply (index from 1, in page order). */
export function ledmSupply(c: LedmConsumable, index: number): Supply {
  const color = COLORS[c.color.toUpperCase()] ?? "";
  const known = c.percentRemaining >= 0;
  const description = [color || c.color, c.type].filter(Boolean).join(" ") || `consumable ${index}`;
  return create(SupplySchema, {
    index,
    description,
    type: TYPES[c.type] ?? (c.type ? SupplyType.OTHER : SupplyType.UNKNOWN),
    color,
    level: known ? c.percentRemaining : -2,
    maxCapacity: known ? 100 : -2,
    percent: known ? c.percentRemaining : undefined,
    state: stateOf(c.state, c.percentRemaining),
    percentBasis: known ? "LEDM ConsumablePercentageLevelRemaining" : "the LEDM page gives no percentage",
    unit: known ? "percent" : "",
    levelOid: LEDM_CONSUMABLES_SOURCE,
  });
}

/** What the three pages gave, for the reading. */
export interface LedmReadingInput {
  address: string;
  product?: LedmProductInfo;
  consumables: LedmConsumable[];
  counters: Counter[];
  readAt: Date;
  durationMs: number;
}

/** The DeviceReading for an HP device read over LEDM. */
export function ledmReading(input: LedmReadingInput): DeviceReading {
  return create(DeviceReadingSchema, {
    address: input.address,
    vendor: "HP",
    model: input.product?.model ?? "",
    serialNumber: input.product?.serialNumber ?? "",
    firmware: input.product?.firmware ?? "",
    profile: LEDM_PROFILE,
    readAt: timestampFromDate(input.readAt),
    readDurationMs: Math.max(0, Math.round(input.durationMs)),
    counters: input.counters,
    supplies: input.consumables.map((c, i) => ledmSupply(c, i + 1)),
  });
}
