/**
 * The profile catalogue, in matching order: a sysObjectID match wins over a
 * sysDescr match; "generic" (Printer-MIB only) is what remains.
 */
import type { Profile } from "./profile.ts";
import { brother } from "./vendors/brother.ts";
import { canon } from "./vendors/canon.ts";
import { dell } from "./vendors/dell.ts";
import { epson } from "./vendors/epson.ts";
import { fujifilm } from "./vendors/fujifilm.ts";
import { hp } from "./vendors/hp.ts";
import { konicaMinolta } from "./vendors/konica-minolta.ts";
import { kyocera } from "./vendors/kyocera.ts";
import { lexmark } from "./vendors/lexmark.ts";
import { oki } from "./vendors/oki.ts";
import { ricoh } from "./vendors/ricoh.ts";
import { samsung } from "./vendors/samsung.ts";
import { sharp } from "./vendors/sharp.ts";
import { toshibaTec } from "./vendors/toshiba-tec.ts";
import { tsc } from "./vendors/tsc.ts";
import { xerox } from "./vendors/xerox.ts";
import { zebra } from "./vendors/zebra.ts";

export type { CodedCounterTable, CodedMeter, Profile } from "./profile.ts";

export const PROFILES: readonly Profile[] = [
  hp, ricoh, kyocera, canon, konicaMinolta, xerox, fujifilm, sharp, lexmark, brother, epson, samsung, toshibaTec, oki,
  dell, zebra, tsc,
];

export const GENERIC: Profile = { id: "generic", vendor: "" };

/** Picks the profile for a device from its sysObjectID, then its sysDescr. */
export function matchProfile(sysObjectId: string, sysDescr: string): Profile {
  const oid = sysObjectId.replace(/^\./, "");
  let best: Profile | undefined;
  let bestLen = 0;
  for (const p of PROFILES) {
    for (const prefix of p.sysObjectId ?? []) {
      if ((oid === prefix || oid.startsWith(`${prefix}.`)) && prefix.length > bestLen) {
        best = p;
        bestLen = prefix.length;
      }
    }
  }
  if (best) return best;
  return PROFILES.find((p) => p.sysDescr?.some((re) => re.test(sysDescr))) ?? GENERIC;
}
