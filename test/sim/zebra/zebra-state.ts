/**
 * What the simulated Zebra knows, and how it prints its status. The ~HS
 * layout follows the ZPL II Programming Guide (~HS, "Host Status Return");
 * the ~HQOD block follows the guide's ~HQ odometer example ("PRINT METERS",
 * `TOTAL NONRESETTABLE: 8560 "`), with the STX/CR LF/ETX framing printers send.
 */

/** Mutable printer state; tests change it between requests. */
export interface ZebraSimState {
  paperOut: boolean;
  paused: boolean;
  headOpen: boolean;
  ribbonOut: boolean;
  underTemp: boolean;
  overTemp: boolean;
  corruptRam: boolean;
  bufferFull: boolean;
  /** Label length in dots (~HS string 1) and in inches (what each label adds to the odometer). */
  labelLengthDots: number;
  labelLengthInches: number;
  labelsRemaining: number;
  /** ~HS string 3 password field. */
  password: string;
  /** Odometer, in whole inches. */
  totalInches: number;
  resettableInches: [number, number];
  /** ^MA units for ~HQOD. */
  odometerUnit: "inches" | "cm";
  /** Labels printed since start (each ^XA...^XZ times its ^PQ). */
  labelsPrinted: number;
  /** SGD variables. */
  sgd: Map<string, string>;
  /** Replies to send instead of the real ones (hostile-printer tests), by command: "~HS", "~HQOD", "getvar". */
  overrides: Map<string, Uint8Array | string>;
  /** Commands to ignore (no reply at all), as a silent or faulted printer would. */
  silent: Set<string>;
}

/** A ZT410-like printer, ready, with the guide's example odometer. */
export function defaultZebraState(overrides: Partial<ZebraSimState> = {}): ZebraSimState {
  return {
    paperOut: false,
    paused: false,
    headOpen: false,
    ribbonOut: false,
    underTemp: false,
    overTemp: false,
    corruptRam: false,
    bufferFull: false,
    labelLengthDots: 1218,
    labelLengthInches: 6,
    labelsRemaining: 0,
    password: "1234",
    totalInches: 8560,
    resettableInches: [9, 8560],
    odometerUnit: "inches",
    labelsPrinted: 0,
    sgd: new Map([
      ["device.friendly_name", "ZT410-SIM"],
      ["device.unique_id", "99J123456789"],
      ["appl.name", "V75.20.01Z"],
      ["odometer.total_print_length", "8560 INCHES, 21742 CENTIMETERS"],
    ]),
    overrides: new Map(),
    silent: new Set(),
    ...overrides,
  };
}

const bit = (b: boolean) => (b ? "1" : "0");
const pad = (n: number, width: number) => String(n).padStart(width, "0");

/** The three ~HS strings, each STX ... ETX CR LF. */
export function formatHostStatus(s: ZebraSimState): string {
  const one = ["030", bit(s.paperOut), bit(s.paused), pad(s.labelLengthDots, 4), "000", bit(s.bufferFull), "0", "0", "000", bit(s.corruptRam), bit(s.underTemp), bit(s.overTemp)];
  const two = ["001", "0", bit(s.headOpen), bit(s.ribbonOut), "1", "2", "6", "0", pad(s.labelsRemaining, 8), "1", "000"];
  const three = [s.password, "0"];
  return [one, two, three].map((f) => `\x02${f.join(",")}\x03\r\n`).join("");
}

/** The ~HQOD block in the unit ^MA selected. */
export function formatOdometer(s: ZebraSimState): string {
  const len = (inches: number) => (s.odometerUnit === "cm" ? `${Math.round(inches * 2.54)} cm` : `${inches} "`);
  const line = (label: string, inches: number) => `   ${`${label}:`.padEnd(26)}${len(inches).padStart(12)}\r\n`;
  return (
    "\x02\r\n  PRINT METERS\r\n" +
    line("TOTAL NONRESETTABLE", s.totalInches) +
    line("USER RESETTABLE CNTR1", s.resettableInches[0]) +
    line("USER RESETTABLE CNTR2", s.resettableInches[1]) +
    "\x03\r\n"
  );
}
