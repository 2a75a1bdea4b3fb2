import { CounterKind } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** OKI's own identity scalars (as read by glpi-agent's Oki module). */
const ID = "1.3.6.1.4.1.2001.1.1.1.1.11.1.10";

/**
 * OKI (enterprise 2001); OkiLAN print servers name the attached engine in sysDescr.
 * The one private meter is the OKIDATA-MIB printer-unit page count; the
 * colour/mono table under `${ID}.170` is not read, as public tools disagree
 * on its columns (see test/fixtures/profiles/oki-c834.md).
 */
export const oki: Profile = {
  id: "oki",
  vendor: "OKI",
  sysObjectId: ["1.3.6.1.4.1.2001"],
  sysDescr: [/^OKI /i],
  model: [
    { from: `${ID}.25.0` },
    { from: "1.3.6.1.4.1.11.2.3.9.1.1.7.0", pattern: /MODEL:\s*([^;]+)/ },
    { from: "sysDescr", pattern: /Attached to (\S+)/ },
  ],
  serial: [{ from: `${ID}.45.0` }],
  counters: [
    // usagePrinterUnitCounter.1: total pages printed by the printer unit.
    { oid: "1.3.6.1.4.1.2001.1.1.1.1.100.1.1.1.3.1", kind: CounterKind.TOTAL, name: "printer-unit-total" },
  ],
};
