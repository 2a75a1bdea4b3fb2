/**
 * The messages a reading holds many of (counters, supplies, trays), built as
 * object literals. A protobuf-es message is a plain object: its `$typeName`,
 * every implicit-presence field (zero when not given), and each `optional`
 * field only when it is known. That is what `create()` builds too, through
 * the schema's reflection, which cost 5-8 % of a 250-printer scan's main
 * thread in the interpreter. reading-messages.test.ts checks each builder
 * against `create()` and fails when the proto gains a field that is not here.
 */
import type { MessageInitShape } from "@bufbuild/protobuf";
import type { Counter, CounterSchema, Supply, SupplySchema, Tray, TraySchema } from "../../gen/dca/v1/reading_pb.ts";

/** `create(CounterSchema, init)`. */
export function counterMessage(init: MessageInitShape<typeof CounterSchema>): Counter {
  return {
    $typeName: "dca.v1.Counter",
    kind: init.kind ?? 0,
    value: init.value ?? 0n,
    unit: init.unit ?? 0,
    oid: init.oid ?? "",
    name: init.name ?? "",
    markerIndex: init.markerIndex ?? 0,
  };
}

/** `create(SupplySchema, init)`. */
export function supplyMessage(init: MessageInitShape<typeof SupplySchema>): Supply {
  const m: Supply = {
    $typeName: "dca.v1.Supply",
    index: init.index ?? 0,
    description: init.description ?? "",
    type: init.type ?? 0,
    color: init.color ?? "",
    state: init.state ?? 0,
    percentBasis: init.percentBasis ?? "",
    receptacle: init.receptacle ?? false,
    unit: init.unit ?? "",
    levelOid: init.levelOid ?? "",
  };
  if (init.level != null) m.level = init.level;
  if (init.maxCapacity != null) m.maxCapacity = init.maxCapacity;
  if (init.percent != null) m.percent = init.percent;
  if (init.remainingPages != null) m.remainingPages = init.remainingPages;
  return m;
}

/** `create(TraySchema, init)`. */
export function trayMessage(init: MessageInitShape<typeof TraySchema>): Tray {
  const m: Tray = {
    $typeName: "dca.v1.Tray",
    index: init.index ?? 0,
    name: init.name ?? "",
    description: init.description ?? "",
    type: init.type ?? "",
    state: init.state ?? 0,
    mediaName: init.mediaName ?? "",
    mediaDimensionFeed: init.mediaDimensionFeed ?? 0,
    mediaDimensionCrossFeed: init.mediaDimensionCrossFeed ?? 0,
  };
  if (init.maxCapacity != null) m.maxCapacity = init.maxCapacity;
  if (init.currentLevel != null) m.currentLevel = init.currentLevel;
  if (init.percent != null) m.percent = init.percent;
  return m;
}
