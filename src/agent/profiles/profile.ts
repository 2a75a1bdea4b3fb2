/**
 * Vendor profiles are data: which device they match, where its identity
 * and meters live, and how its supply values are to be read. Adding a
 * vendor means adding one of these and a recording, not control flow.
 */
import type { CounterKind, CounterUnit } from "../../gen/dca/v1/reading_pb.ts";

/** Where a text fact (model, serial, firmware) can be found. */
export interface TextSource {
  /** OID to GET, or "sysDescr" to parse the system description. */
  from: string;
  /** Regular expression; capture group 1 is the value. Without it, the whole value. */
  pattern?: RegExp;
  /** How the OCTET STRING is encoded when the generic decoder would misread it ("hp-pml": PCL symbol-set prefix, UCS-2). */
  decoder?: "hp-pml";
}

/** A meter read with one GET. */
export interface ScalarCounter {
  oid: string;
  kind: CounterKind;
  name: string;
  unit?: CounterUnit;
  /** The value is a string that starts with the number ("1920 INCHES, 4876 CENTIMETERS"). */
  leadingNumber?: boolean;
}

/** A table of meters where each row carries its own label (Sharp). */
export interface NamedCounterTable {
  /** Entry OID; rows are `${entry}.${valueColumn}.<index>` and `${entry}.${nameColumn}.<index>`. */
  entry: string;
  valueColumn: number;
  nameColumn: number;
  /** Label (exact, case-insensitive) to kind; other labels become COUNTER_KIND_OTHER. */
  kinds: Record<string, CounterKind>;
  unit?: CounterUnit;
}

/** What one code of a coded meter table means. */
export interface CodedMeter {
  kind: CounterKind;
  name: string;
  unit?: CounterUnit;
}

/**
 * A table of meters whose rows are identified by a code rather than by
 * position: either a type-code column (Ricoh ricohEngCounterTable) or the
 * row index itself (Canon, `${entry}.${valueColumn}.<code>`). Models answer
 * different code sets; the table maps whichever codes the device answers.
 */
export interface CodedCounterTable {
  /** Entry OID; values are `${entry}.${valueColumn}.<index>`. */
  entry: string;
  valueColumn: number;
  /** Column holding the row's code; absent: the last index arc is the code. */
  codeColumn?: number;
  /** Column holding the device's own label, kept as the name of unknown codes. */
  nameColumn?: number;
  /** Code (decimal, as text) to meter. */
  codes: Record<string, CodedMeter>;
  /** Codes not in `codes`: reported as COUNTER_KIND_OTHER (default) or left out. */
  unknownCodes?: "other" | "ignore";
  /** Unit of the meters that do not name their own. */
  unit?: CounterUnit;
}

/** How a vendor-specific supply level maps to a state and percent. */
export interface LevelCode {
  state: "ok" | "low" | "empty" | "unknown" | "some_remaining";
  /** Why: shown as the supply's percent basis. */
  basis: string;
}

/** Decoders for vendor blocks; each turns one OCTET STRING into meters or named levels. */
export type BlockDecoderName = "brother-counters" | "brother-maintenance" | "brother-next-care";

/**
 * A table with one row per combination (job type x media size x duplex x
 * colour: Samsung's scmHrDevCountTable), where a meter on the counter page is
 * the sum of the value column over the rows whose columns hold given values.
 */
export interface SummedCounterTable {
  entry: string;
  valueColumn: number;
  meters: {
    kind: CounterKind;
    name: string;
    /** Column number to the values a row must hold there to count (all columns must match). */
    where: Record<number, number[]>;
    unit?: CounterUnit;
  }[];
}

export interface Profile {
  id: string;
  /** The maker, used as the label brand unless a brand rule says otherwise. */
  vendor: string;
  /** sysObjectID prefixes (dotted, no leading dot) that select this profile. */
  sysObjectId?: string[];
  /** sysDescr patterns that select this profile when sysObjectID does not. */
  sysDescr?: RegExp[];
  /** Brands sold under another name (Savin for Ricoh); first match on sysDescr wins. */
  brands?: { pattern: RegExp; brand: string }[];
  model?: TextSource[];
  serial?: TextSource[];
  /** The printer's main firmware; never the network card's. */
  firmware?: TextSource[];
  /** The network card's or print server's firmware, kept apart from the printer's. */
  networkFirmware?: TextSource[];
  counters?: ScalarCounter[];
  counterTables?: NamedCounterTable[];
  codedCounterTables?: CodedCounterTable[];
  summedCounterTables?: SummedCounterTable[];
  /**
   * Vendor subtrees walked once per read; the OIDs that held data are
   * "learned", and later reads of the same device GET exactly those.
   */
  walk?: string[];
  /** An SNMP context that holds some of the OIDs above (HP "Jetdirect"). */
  context?: string;
  /** A private per-supply level column, used when the Printer-MIB level is not a real value. */
  privateLevel?: { column: string; whenLevel: number[]; basis: string };
  /**
   * OCTET STRING blocks of records, GET once and decoded by a named decoder
   * (src/agent/reader/decoders): Brother's counter and maintenance blocks.
   */
  blocks?: { oid: string; decoder: BlockDecoderName }[];
  /** Vendor codes in prtMarkerSuppliesLevel that are states rather than amounts. */
  levelCodes?: { when: (level: number, max: number) => boolean; codes: Record<number, LevelCode> };
}
