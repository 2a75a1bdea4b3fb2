import { CounterKind, CounterUnit } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** Zebra label printers (enterprise 10642; older ZebraNet print servers use ESI's 683). */
export const zebra: Profile = {
  id: "zebra",
  vendor: "Zebra",
  sysObjectId: ["1.3.6.1.4.1.10642", "1.3.6.1.4.1.683"],
  sysDescr: [/^Zebra/i],
  model: [{ from: "1.3.6.1.4.1.10642.1.1.0" }, { from: "1.3.6.1.4.1.683.1.4.0" }],
  // The printer's own serial before the ZebraNet print server's (ESI 683.1.5.0); 200.19.5.0
  // holds it on printers whose 1.9.0 is absent (LibreNMS zebra recording: "37J162600538").
  serial: [{ from: "1.3.6.1.4.1.10642.1.9.0" }, { from: "1.3.6.1.4.1.10642.200.19.5.0" }, { from: "1.3.6.1.4.1.683.1.5.0" }],
  // Printer firmware ("V61.17.17Z"); the print server repeats it in ESI 683.1.9.0.
  firmware: [{ from: "1.3.6.1.4.1.10642.1.2.0" }, { from: "1.3.6.1.4.1.683.1.9.0" }],
  counters: [
    {
      oid: "1.3.6.1.4.1.10642.200.17.3.0",
      kind: CounterKind.LENGTH,
      name: "Printed length (odometer)",
      unit: CounterUnit.INCHES,
      leadingNumber: true,
    },
  ],
};
