import type { Profile } from "../profile.ts";

/** Xerox (enterprise 253). */
export const xerox: Profile = {
  id: "xerox",
  vendor: "Xerox",
  sysObjectId: ["1.3.6.1.4.1.253"],
  sysDescr: [/^Xerox /i],
  model: [
    { from: "1.3.6.1.4.1.253.8.51.1.2.1.20.1", pattern: /MDL:\s*([^;]+)/ },
    { from: "sysDescr", pattern: /^Xerox ([^;]+)/i },
  ],
  firmware: [{ from: "sysDescr", pattern: /;\s*(?:SS|System) ([\d.]+)/ }],
};
