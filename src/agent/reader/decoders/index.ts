/**
 * The block decoders profiles name (`Profile.blocks`): one OCTET STRING in,
 * meters and named supply levels out. A malformed block is a problem, never
 * a 0 meter.
 */
import type { Counter, CounterKind, ReadProblem, SupplyType } from "../../../gen/dca/v1/reading_pb.ts";
import { BROTHER_COUNTER_CODES } from "../../profiles/vendors/brother.ts";
import type { BlockDecoderName } from "../../profiles/profile.ts";
import type { VarBind } from "../../snmp/session.ts";
import { brotherCountersFromValue, brotherLevelsFromValue, brotherNextCareFromValue } from "./brother.ts";

/**
 * A supply level a vendor reports by part name ("black toner") rather than by
 * supply index: a percent, a bare state, or the pages the part has left.
 */
export interface NamedLevel {
  item: string;
  percent?: number;
  state?: "ok" | "low";
  remainingPages?: number;
  /** How the value was derived, for the supply's percent basis. */
  basis: string;
  /** OID the value was read from. */
  oid: string;
  /** The supply type, for a part that has no Printer-MIB row. */
  type: SupplyType;
}

/** What each decoder can yield, for the coverage table (docs/vendors.md). */
export const BLOCK_YIELDS: Record<BlockDecoderName, { kinds: CounterKind[]; levels: boolean }> = {
  "brother-counters": { kinds: Object.values(BROTHER_COUNTER_CODES).map((c) => c.kind), levels: false },
  "brother-maintenance": { kinds: [], levels: true },
  "brother-next-care": { kinds: [], levels: true },
};

export interface DecodedBlock {
  counters: Counter[];
  levels: NamedLevel[];
  problems: ReadProblem[];
}

export function decodeBlock(name: BlockDecoderName, vb: VarBind | undefined): DecodedBlock {
  switch (name) {
    case "brother-counters": {
      const r = brotherCountersFromValue(vb);
      return { counters: r.counters, levels: [], problems: r.problems };
    }
    case "brother-maintenance":
    case "brother-next-care": {
      const r = name === "brother-maintenance" ? brotherLevelsFromValue(vb) : brotherNextCareFromValue(vb);
      return { counters: [], levels: r.levels, problems: r.problems };
    }
  }
}
