import type { Profile } from "../profile.ts";

/** Lexmark (enterprise 641). */
export const lexmark: Profile = {
  id: "lexmark",
  vendor: "Lexmark",
  sysObjectId: ["1.3.6.1.4.1.641"],
  sysDescr: [/^Lexmark /i],
  model: [{ from: "sysDescr", pattern: /^Lexmark (\S+)/i }],
  firmware: [{ from: "sysDescr", pattern: / version (\S+)/ }],
};
