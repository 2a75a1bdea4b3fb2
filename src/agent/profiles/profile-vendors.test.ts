import { expect, test } from "bun:test";
import { printerVendorOf, underPrefix } from "../discovery/printer-vendors.ts";
import { PROFILES } from "./index.ts";

// Discovery's vendor table (what counts as a printer) and the profiles (how to read one) are
// kept apart on purpose, but must not drift: every profile's sysObjectID must lie under an
// enterprise discovery knows (strong, or weak: then the device must also show printer
// evidence), or be listed here with the reason.
const NOT_IN_DISCOVERY: Record<string, string> = {
  tsc: "TSC has no registered enterprise number of its own (3363 is not TSC); found by the Printer-MIB",
};

test("every profile's sysObjectID prefix is under a vendor discovery knows", () => {
  const missing: string[] = [];
  for (const p of PROFILES) {
    if (NOT_IN_DISCOVERY[p.id]) continue;
    for (const prefix of p.sysObjectId ?? []) {
      const v = printerVendorOf(prefix);
      if (!v) missing.push(`${p.id}: ${prefix} is under no enterprise in discovery/printer-vendors.ts`);
      else if (v.printerSubtrees && !v.printerSubtrees.some((s) => underPrefix(prefix, s) || underPrefix(s, prefix))) {
        missing.push(`${p.id}: ${prefix} is outside ${v.name}'s printer subtrees`);
      }
    }
  }
  expect(missing).toEqual([]);
});
