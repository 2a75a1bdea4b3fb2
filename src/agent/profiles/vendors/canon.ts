import type { Profile } from "../profile.ts";

/** Canon imageRUNNER / i-SENSYS / LBP (enterprise 1602). */
export const canon: Profile = {
  id: "canon",
  vendor: "Canon",
  sysObjectId: ["1.3.6.1.4.1.1602"],
  sysDescr: [/^Canon /],
  model: [{ from: "sysDescr", pattern: /^Canon (.+?)(?: \/P)?$/ }],
};
