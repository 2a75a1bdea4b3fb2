/**
 * Marker supplies from prtMarkerSuppliesTable, with a state a dealer can act
 * on. The raw level and capacity are always kept; a percent is given only
 * where the device really states an amount. -1, -2 and -3 are states, not
 * numbers, and are never turned into a percentage.
 */
import { create } from "@bufbuild/protobuf";
import { type ReadProblem, ReadProblemSchema, type Supply, SupplyState } from "../../gen/dca/v1/reading_pb.ts";
import type { VarBind } from "../snmp/session.ts";
import { supplyMessage } from "./reading-messages.ts";
import type { NamedLevel } from "./decoders/index.ts";
import type { Profile } from "../profiles/index.ts";
import { CLASS_RECEPTACLE, RECEPTACLE_TYPES, supplyUnitName } from "./mib-names.ts";
import { OID } from "./oids.ts";
import { type Table, numberOf, rowIndexes, textOf, whyNotANumber } from "./values.ts";

/** At or below this percent a supply is "low" (a receptacle: this little space left). */
export const LOW_PERCENT = 10;

const COLOURS: [RegExp, string][] = [
  [/\b(black|schwarz|noir|nero|negro|ブラック|黑)/i, "black"],
  [/\bcyan|シアン|青/i, "cyan"],
  [/\bmagenta|マゼンタ|品红/i, "magenta"],
  [/\byellow|gelb|jaune|giallo|amarillo|イエロー|黄/i, "yellow"],
  [/\bmatte black/i, "matte black"],
  [/\bphoto black/i, "photo black"],
  [/\blight cyan/i, "light cyan"],
  [/\blight magenta/i, "light magenta"],
  [/\bgr[ae]y\b/i, "gray"],
];

/** Colour from the colorant table, else from the description's words. */
export function colourOf(description: string, colorant: string): string {
  const c = colorant.trim().toLowerCase();
  if (c && c !== "unknown" && c !== "other") return c;
  for (const [re, name] of COLOURS.slice(4)) if (re.test(description)) return name;
  for (const [re, name] of COLOURS.slice(0, 4)) if (re.test(description)) return name;
  return "";
}

interface LevelVerdict {
  state: SupplyState;
  percent?: number;
  basis: string;
}

/** Turns a raw level and capacity into a state and, where known, a percent. */
export function judgeLevel(level: number, max: number, receptacle: boolean): LevelVerdict {
  if (level === -1) return { state: SupplyState.UNLIMITED, basis: "level -1: no restriction (RFC 3805); no percent" };
  if (level === -2) return { state: SupplyState.UNKNOWN, basis: "level -2: the device does not know the level; no percent" };
  if (level === -3) {
    return {
      state: SupplyState.SOME_REMAINING,
      basis: receptacle
        ? "level -3: some space remains, amount not reported; no percent"
        : "level -3: some remains, amount not reported; no percent",
    };
  }
  if (level < 0) return { state: SupplyState.UNKNOWN, basis: `level ${level} is not defined by RFC 3805; no percent` };
  if (max <= 0) {
    const why = max === -1 ? "capacity -1 (unlimited)" : max === -2 ? "capacity -2 (unknown)" : `capacity ${max}`;
    if (level === 0) {
      return receptacle
        ? { state: SupplyState.FULL, basis: `level 0 (no space left) with ${why}; no percent` }
        : { state: SupplyState.EMPTY, basis: `level 0 with ${why}; no percent` };
    }
    return { state: SupplyState.OK, basis: `${why}: level ${level} cannot be a percent` };
  }
  const clipped = Math.min(level, max);
  const percent = Math.round((clipped / max) * 1000) / 10;
  const basis = level > max ? `level ${level} above capacity ${max}; clipped to 100 %` : `level ${level} / capacity ${max}`;
  let state: SupplyState;
  if (receptacle) state = level === 0 ? SupplyState.FULL : percent <= LOW_PERCENT ? SupplyState.LOW : SupplyState.OK;
  else state = level === 0 ? SupplyState.EMPTY : percent <= LOW_PERCENT ? SupplyState.LOW : SupplyState.OK;
  return { state, percent, basis: receptacle ? `${basis} (remaining space)` : basis };
}

/**
 * Whether a part a vendor reports by name ("black toner") is this supply:
 * every word of the part is in the description ("Black Toner Cartridge").
 * Brother's ink models use the toner codes, so "toner" also matches "ink".
 */
function partMatches(item: string, description: string): boolean {
  const d = description.toLowerCase();
  return item.toLowerCase().split(/\s+/).every((w) => d.includes(w) || (w === "toner" && d.includes("ink")));
}

/** A vendor's values for one part: its best level (a percent beats a bare state) and the pages it has left. */
function partReport(levels: readonly NamedLevel[]): { level?: NamedLevel; pages?: NamedLevel } {
  const stated = levels.filter((l) => l.percent !== undefined || l.state);
  return { level: stated.find((l) => l.percent !== undefined) ?? stated[0], pages: levels.find((l) => l.remainingPages !== undefined) };
}

/** The verdict a vendor's named level gives; `why` says what the Printer-MIB lacked. */
function namedVerdict(named: NamedLevel, receptacle: boolean, why: string): LevelVerdict | undefined {
  if (named.percent !== undefined) return { ...judgeLevel(named.percent, 100, receptacle), basis: `${named.basis} = ${named.percent} % (${why})` };
  if (named.state) return { state: named.state === "low" ? SupplyState.LOW : SupplyState.OK, basis: `${named.basis}; no percent (${why})` };
  return undefined;
}

/**
 * Supplies for the parts only the vendor reports (no Printer-MIB row matches
 * them: Brother's fuser, laser unit, paper feeding kits), one per part, with
 * index 0 and no Printer-MIB level or capacity.
 */
function vendorOnlySupplies(levels: readonly NamedLevel[]): Supply[] {
  return [...new Set(levels.map((l) => l.item))].map((item) => {
    const { level, pages } = partReport(levels.filter((l) => l.item === item));
    const why = "no Printer-MIB row";
    const left = pages?.remainingPages ?? 0;
    const verdict = (level && namedVerdict(level, false, why)) ?? {
      state: left > 0 ? SupplyState.SOME_REMAINING : SupplyState.EMPTY,
      basis: `${pages?.basis}; no percent (${why})`,
    };
    const from = (level ?? pages)!;
    return supplyMessage({
      description: item.charAt(0).toUpperCase() + item.slice(1),
      type: from.type,
      color: colourOf(item, ""),
      percent: verdict.percent,
      state: verdict.state,
      percentBasis: verdict.basis,
      levelOid: from.oid,
      remainingPages: pages?.remainingPages,
    });
  });
}

/** The states prtMarkerSuppliesLevel may hold besides an amount (RFC 3805: other, unknown, someRemaining). */
const LEVEL_STATES = [-1, -2, -3];
/** prtMarkerSuppliesMaxCapacity's: other, unknown. */
const CAPACITY_STATES = [-1, -2];

/**
 * A level or capacity as RFC 3805 allows it (Integer32, at least -3 or -2),
 * or undefined with a problem: a value from a hostile or broken agent
 * (-2^31, 2^46) is never passed on as a level. `known` adds the negatives a
 * profile gives a meaning to (Ricoh's -100).
 */
function suppliesNumber(vb: VarBind | undefined, what: string, states: readonly number[], problems: ReadProblem[], known: readonly number[] = []): number | undefined {
  if (!vb) return undefined;
  const n = numberOf(vb);
  const why = n === undefined ? whyNotANumber(vb) : n < 0 && !states.includes(n) && !known.includes(n) ? `${n} is below ${Math.min(...states)}, which RFC 3805 does not define` : undefined;
  if (!why) return n;
  problems.push(create(ReadProblemSchema, { section: "supplies", oid: vb.oid, message: `${what}: ${why}; not used` }));
  return undefined;
}

/**
 * Builds the supplies. `privateLevels` holds a vendor's own per-supply percent
 * (keyed by the supply's last index arc) for profiles that publish one; a
 * level or capacity RFC 3805 does not allow goes into `problems` instead.
 */
export function buildSupplies(
  supplies: Table,
  colorants: Table,
  profile: Profile,
  privateLevels: Map<string, number>,
  namedLevels: readonly NamedLevel[] = [],
  problems: ReadProblem[] = [],
): Supply[] {
  const out: Supply[] = [];
  const matched = new Set<string>();
  for (const idx of rowIndexes(supplies, 6, 8, 9)) {
    const levelVb = supplies.get(9)?.get(idx);
    const level = suppliesNumber(levelVb, "prtMarkerSuppliesLevel", LEVEL_STATES, problems, profile.privateLevel?.whenLevel);
    const max = suppliesNumber(supplies.get(8)?.get(idx), "prtMarkerSuppliesMaxCapacity", CAPACITY_STATES, problems);
    const type = numberOf(supplies.get(5)?.get(idx)) ?? 0;
    const cls = numberOf(supplies.get(4)?.get(idx));
    const description = textOf(supplies.get(6)?.get(idx));
    const receptacle = cls === CLASS_RECEPTACLE || RECEPTACLE_TYPES.has(type);
    const colorantIndex = numberOf(supplies.get(3)?.get(idx));
    const hrIndex = idx.split(".")[0];
    const colorant = colorantIndex ? textOf(colorants.get(4)?.get(`${hrIndex}.${colorantIndex}`)) : "";
    const lastArc = idx.split(".").pop() ?? idx;
    const parts = namedLevels.filter((l) => partMatches(l.item, description));
    for (const l of parts) matched.add(l.item);
    const report = partReport(parts);

    let verdict: LevelVerdict;
    const priv = profile.privateLevel;
    const p = privateLevels.get(lastArc);
    if (level !== undefined && priv && priv.whenLevel.includes(level) && p !== undefined && p >= 0 && p <= 100) {
      verdict = { ...judgeLevel(p, 100, receptacle), basis: `${priv.basis} = ${p} % (Printer-MIB level ${level})` };
    } else if (level !== undefined && level >= 0) {
      verdict = judgeLevel(level, max ?? -2, receptacle);
    } else {
      // No level, or only a state (-1, -2, -3): the vendor's own value for the part, where it has one.
      const own = report.level && namedVerdict(report.level, receptacle, level === undefined ? "no Printer-MIB level" : `Printer-MIB level ${level}`);
      verdict = own ?? (level === undefined ? { state: SupplyState.UNKNOWN, basis: "no usable prtMarkerSuppliesLevel; no percent" } : judgeLevel(level, max ?? -2, receptacle));
    }
    out.push(
      supplyMessage({
        index: Number(lastArc),
        description,
        type: type >= 1 && type <= 36 ? type : 0,
        color: colourOf(description, colorant),
        level,
        maxCapacity: max,
        percent: verdict.percent,
        state: verdict.state,
        percentBasis: verdict.basis,
        receptacle,
        unit: supplyUnitName(numberOf(supplies.get(7)?.get(idx))),
        levelOid: levelVb ? levelVb.oid : `${OID.prtMarkerSuppliesEntry}.9.${idx}`,
        remainingPages: report.pages?.remainingPages,
      }),
    );
  }
  out.push(...vendorOnlySupplies(namedLevels.filter((l) => !matched.has(l.item))));
  return out;
}
