/**
 * What each profile reads, derived from the profile data itself, so the
 * coverage table in docs/vendors.md cannot drift from the code: a kind of
 * meter counts as covered when any part of the profile maps a value to it.
 */
import { CounterKind } from "../../gen/dca/v1/reading_pb.ts";
import { BLOCK_YIELDS } from "../reader/decoders/index.ts";
import type { Profile } from "./profile.ts";

export interface Coverage {
  id: string;
  vendor: string;
  brands: string[];
  identity: string[];
  total: boolean;
  monoColor: boolean;
  perFunction: string[];
  privateSupplies: boolean;
  kinds: CounterKind[];
}

/**
 * Every meter kind anywhere in the profile: a numeric `kind` field (scalar
 * meters, coded tables, decoders) or the values of a `kinds` label map
 * (Sharp's named table).
 */
function kindsOf(value: unknown, out: Set<CounterKind>, seen = new Set<unknown>()): void {
  if (value === null || typeof value !== "object" || seen.has(value) || value instanceof RegExp) return;
  seen.add(value);
  for (const [k, v] of Object.entries(value)) {
    if (k === "kind" && typeof v === "number") out.add(v as CounterKind);
    else if (k === "kinds" && v && typeof v === "object") {
      for (const x of Object.values(v)) if (typeof x === "number") out.add(x as CounterKind);
    } else kindsOf(v, out, seen);
  }
}

const FUNCTIONS: [string, CounterKind[]][] = [
  ["print", [CounterKind.PRINT, CounterKind.PRINT_MONO, CounterKind.PRINT_COLOR]],
  ["copy", [CounterKind.COPY, CounterKind.COPY_MONO, CounterKind.COPY_COLOR]],
  ["fax", [CounterKind.FAX, CounterKind.FAX_MONO, CounterKind.FAX_COLOR, CounterKind.FAX_SEND, CounterKind.FAX_RECEIVE]],
  ["scan", [CounterKind.SCAN, CounterKind.SCAN_COPY, CounterKind.SCAN_FAX, CounterKind.SCAN_NETWORK]],
];

export function coverageOf(p: Profile): Coverage {
  const kinds = new Set<CounterKind>();
  kindsOf(p, kinds);
  for (const b of p.blocks ?? []) for (const k of BLOCK_YIELDS[b.decoder].kinds) kinds.add(k);
  const has = (...k: CounterKind[]) => k.some((x) => kinds.has(x));
  const identity = (["model", "serial", "firmware"] as const).filter((f) => (p[f]?.length ?? 0) > 0);
  return {
    id: p.id,
    vendor: p.vendor,
    brands: [...new Set((p.brands ?? []).map((b) => b.brand))],
    identity,
    total: has(CounterKind.TOTAL),
    monoColor: has(CounterKind.MONO, CounterKind.COLOR, CounterKind.PRINT_MONO, CounterKind.PRINT_COLOR, CounterKind.COPY_MONO, CounterKind.COPY_COLOR),
    perFunction: FUNCTIONS.filter(([, ks]) => has(...ks)).map(([name]) => name),
    privateSupplies: p.privateLevel !== undefined || p.levelCodes !== undefined || (p.blocks ?? []).some((b) => BLOCK_YIELDS[b.decoder].levels),
    kinds: [...kinds].sort((a, b) => a - b),
  };
}
