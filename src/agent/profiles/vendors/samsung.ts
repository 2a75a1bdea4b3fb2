import type { Profile } from "../profile.ts";

/**
 * Samsung printers (enterprise 236, printer subtree 236.11). Dell models built
 * by Samsung answer Samsung's sysObjectID and keep the Dell label.
 *
 * No private meters yet, so the Printer-MIB total stands. Samsung's meters are
 * in scmHrDevCountTable (SAMSUNG-HOST-RESOURCES-EXT-MIB, 236.11.5.11.53.11.2.1),
 * one row per job type x media size x duplex x colour: a counter-page meter is
 * a sum of rows, which no table kind of the profile model expresses (see
 * test/fixtures/profiles/samsung-m4070.md). The scalars some tools read under
 * 236.11.5.11.53.11.1 are undefined in the MIB and are not used.
 */
export const samsung: Profile = {
  id: "samsung",
  vendor: "Samsung",
  sysObjectId: ["1.3.6.1.4.1.236.11"],
  sysDescr: [/^Samsung (CLX|ML|SCX|CLP|SL|M|C|K|X)/i],
  brands: [{ pattern: /^Dell\b/i, brand: "Dell" }],
  model: [{ from: "sysDescr", pattern: /^(?:Samsung|Dell) (\S+)/i }],
  serial: [{ from: "sysDescr", pattern: /S\/N (\S+)/ }],
  firmware: [{ from: "sysDescr", pattern: /(?:;V| OS )([\d.]+)/ }],
};
