import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** LEXMARK-PVT-MIB prtgenInfoEntry, first attached printer: `${INFO}.<column>.1`. */
const INFO = "1.3.6.1.4.1.641.2.1.2.1";
/** LEXMARK-PVT-MIB pgcount group (pgTotal, pgMono, pgColor scalars). */
const PAGES = "1.3.6.1.4.1.641.2.1.5";

/** Lexmark (enterprise 641); Dell lasers built by Lexmark keep the Dell label. */
export const lexmark: Profile = {
  id: "lexmark",
  vendor: "Lexmark",
  sysObjectId: ["1.3.6.1.4.1.641"],
  sysDescr: [/^Lexmark /i],
  brands: [{ pattern: /^Dell\b/i, brand: "Dell" }],
  model: [{ from: `${INFO}.2.1` }, { from: "sysDescr", pattern: /^Lexmark (\S+)/i }],
  serial: [{ from: `${INFO}.6.1` }],
  firmware: [{ from: `${INFO}.4.1` }, { from: "sysDescr", pattern: / version (\S+)/ }],
  counters: [
    { oid: `${PAGES}.1.0`, kind: CounterKind.TOTAL, name: "pgTotal" },
    { oid: `${PAGES}.2.0`, kind: CounterKind.MONO, name: "pgMono" },
    { oid: `${PAGES}.3.0`, kind: CounterKind.COLOR, name: "pgColor" },
  ],
};
