import type { Profile } from "../profile.ts";

/** Samsung printers (enterprise 236, printer subtree 236.11). */
export const samsung: Profile = {
  id: "samsung",
  vendor: "Samsung",
  sysObjectId: ["1.3.6.1.4.1.236.11"],
  sysDescr: [/^Samsung (CLX|ML|SCX|CLP|SL|M|C|K|X)/i],
  model: [{ from: "sysDescr", pattern: /^Samsung (\S+)/i }],
  serial: [{ from: "sysDescr", pattern: /S\/N (\S+)/ }],
  firmware: [{ from: "sysDescr", pattern: /(?:;V| OS )([\d.]+)/ }],
};
