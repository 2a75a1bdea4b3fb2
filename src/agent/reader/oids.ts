/** The standard OIDs a read uses (dotted, no leading dot). */
export const OID = {
  sysDescr: "1.3.6.1.2.1.1.1.0",
  sysObjectID: "1.3.6.1.2.1.1.2.0",
  sysUpTime: "1.3.6.1.2.1.1.3.0",
  sysContact: "1.3.6.1.2.1.1.4.0",
  sysName: "1.3.6.1.2.1.1.5.0",
  sysLocation: "1.3.6.1.2.1.1.6.0",
  ifEntry: "1.3.6.1.2.1.2.2.1",
  hrDeviceEntry: "1.3.6.1.2.1.25.3.2.1",
  hrPrinterEntry: "1.3.6.1.2.1.25.3.5.1",
  hrDevicePrinter: "1.3.6.1.2.1.25.3.1.5",
  prtGeneralEntry: "1.3.6.1.2.1.43.5.1.1",
  prtInputEntry: "1.3.6.1.2.1.43.8.2.1",
  prtMarkerEntry: "1.3.6.1.2.1.43.10.2.1",
  prtMarkerSuppliesEntry: "1.3.6.1.2.1.43.11.1.1",
  prtMarkerColorantEntry: "1.3.6.1.2.1.43.12.1.1",
  prtConsoleDisplayBufferEntry: "1.3.6.1.2.1.43.16.5.1",
  prtAlertEntry: "1.3.6.1.2.1.43.18.1.1",
} as const;

/** The tables a read walks, with the section name used in problems. */
export const WALKED_TABLES: readonly { section: string; entry: string }[] = [
  { section: "interfaces", entry: OID.ifEntry },
  { section: "host-resources", entry: OID.hrDeviceEntry },
  { section: "host-resources", entry: OID.hrPrinterEntry },
  { section: "printer-general", entry: OID.prtGeneralEntry },
  { section: "trays", entry: OID.prtInputEntry },
  { section: "counters", entry: OID.prtMarkerEntry },
  { section: "supplies", entry: OID.prtMarkerSuppliesEntry },
  { section: "supplies", entry: OID.prtMarkerColorantEntry },
  { section: "console", entry: OID.prtConsoleDisplayBufferEntry },
  { section: "alerts", entry: OID.prtAlertEntry },
];
