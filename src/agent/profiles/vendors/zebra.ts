import { CounterKind, CounterUnit } from "../../../gen/dca/v1/reading_pb.ts";
import type { Profile } from "../profile.ts";

/** Zebra label printers (enterprise 10642; older ZebraNet print servers use ESI's 683). */
export const zebra: Profile = {
  id: "zebra",
  vendor: "Zebra",
  sysObjectId: ["1.3.6.1.4.1.10642", "1.3.6.1.4.1.683"],
  sysDescr: [/^Zebra/i],
  model: [{ from: "1.3.6.1.4.1.10642.1.1.0" }, { from: "1.3.6.1.4.1.683.1.4.0" }],
  serial: [{ from: "1.3.6.1.4.1.10642.1.9.0" }, { from: "1.3.6.1.4.1.683.1.5.0" }],
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
