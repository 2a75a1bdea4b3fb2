import type { Profile } from "../profile.ts";

/** Brother (enterprise 2435). */
export const brother: Profile = {
  id: "brother",
  vendor: "Brother",
  sysObjectId: ["1.3.6.1.4.1.2435"],
  sysDescr: [/^Brother /i],
  model: [{ from: "1.3.6.1.4.1.2435.2.4.3.2435.5.13.3.0", pattern: /^(?:Brother )?(.+?)(?: series)?$/i }],
  serial: [{ from: "1.3.6.1.4.1.2435.2.3.9.4.2.1.5.5.1.0" }],
  firmware: [{ from: "sysDescr", pattern: /Firmware Ver\.?\s*([^ ,]+)/i }],
};
