import type { Profile } from "../profile.ts";

/** TSC label printers. */
export const tsc: Profile = {
  id: "tsc",
  vendor: "TSC",
  sysObjectId: ["1.3.6.1.4.1.51966"],
  sysDescr: [/^(TTP|TX|TE|TA|TDP|TH|MH|ML|MB|DA)-?\d+\S* Version/],
  model: [{ from: "sysDescr", pattern: /^(\S+) Version/ }],
  firmware: [{ from: "sysDescr", pattern: /Version: ?(\S+)/ }],
};
