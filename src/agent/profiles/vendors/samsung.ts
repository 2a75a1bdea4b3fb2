import type { Profile } from "../profile.ts";

/**
 * Samsung printers (enterprise 236, printer subtree 236.11). No private meters:
 * no public source names them with certainty, so the Printer-MIB total stands.
 * Dell models built by Samsung answer Samsung's sysObjectID and keep the Dell label.
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
