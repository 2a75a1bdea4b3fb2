import { describe, expect, test } from "bun:test";
import { readFileSync } from "node:fs";
import { localUtcOffsetMinutes, tzifOffsetSeconds } from "./utc-offset.ts";

const ZONES = [
  "Europe/Paris", "America/New_York", "America/Sao_Paulo", "Asia/Kathmandu", "Asia/Kolkata", "Australia/Lord_Howe",
  "Pacific/Apia", "Pacific/Chatham", "Africa/Casablanca", "America/St_Johns", "Etc/GMT+5", "UTC",
];
/** Instants around DST changes and far apart, in ms. */
const INSTANTS = [
  "1901-06-01T00:00:00Z", "1970-01-01T00:00:00Z", "1996-10-27T00:59:59Z", "1996-10-27T01:00:00Z",
  "2026-03-29T00:59:59Z", "2026-03-29T01:00:00Z", "2026-10-25T00:59:59Z", "2026-10-25T01:00:00Z",
  "2026-12-05T23:00:00Z", "2026-03-08T06:59:59Z", "2026-03-08T07:00:00Z", "2026-04-05T15:00:00Z", "2037-07-01T12:00:00Z",
].map((s) => Date.parse(s));

/** What Date says for `zone` at `ms` (Bun applies a TZ change at once). */
function dateSays(zone: string, ms: number): number {
  const before = process.env.TZ;
  process.env.TZ = zone;
  try {
    return -new Date(ms).getTimezoneOffset() + 0; // -0 for UTC: the same number
  } finally {
    if (before === undefined) delete process.env.TZ;
    else process.env.TZ = before;
  }
}

describe("localUtcOffsetMinutes reads the zone's TZif file", () => {
  test("the same offset as Date for zones with DST, half and quarter hours, date-line jumps, before and after the table", () => {
    let compared = 0;
    for (const zone of ZONES) {
      for (const ms of INSTANTS) {
        expect({ zone, at: new Date(ms).toISOString(), offset: localUtcOffsetMinutes(ms, { TZ: zone }) }).toEqual({
          zone,
          at: new Date(ms).toISOString(),
          offset: dateSays(zone, ms),
        });
        compared++;
      }
    }
    expect(compared).toBe(ZONES.length * INSTANTS.length);
  });

  test("the table itself answers (not Date): past its end only a zone without DST is answered", () => {
    const paris = readFileSync("/usr/share/zoneinfo/Europe/Paris");
    expect(tzifOffsetSeconds(paris, Date.parse("2026-07-01T00:00:00Z") / 1000)).toBe(7200);
    expect(tzifOffsetSeconds(paris, Date.parse("2026-12-01T00:00:00Z") / 1000)).toBe(3600);
    expect(tzifOffsetSeconds(paris, Date.parse("2040-07-01T00:00:00Z") / 1000)).toBeUndefined();
    const kathmandu = readFileSync("/usr/share/zoneinfo/Asia/Kathmandu");
    expect(tzifOffsetSeconds(kathmandu, Date.parse("2045-01-01T00:00:00Z") / 1000)).toBe(5 * 3600 + 45 * 60);
    expect(tzifOffsetSeconds(new TextEncoder().encode("not a zone file"), 0)).toBeUndefined();
    expect(tzifOffsetSeconds(paris.subarray(0, 200), 0)).toBeUndefined();
  });

  test("TZ empty is UTC; a POSIX rule or an unknown zone is left to Date", () => {
    const ms = Date.parse("2026-07-01T00:00:00Z");
    expect(localUtcOffsetMinutes(ms, { TZ: "" })).toBe(0);
    expect(localUtcOffsetMinutes(ms, { TZ: ":Europe/Paris" })).toBe(120);
    expect(localUtcOffsetMinutes(ms, { TZ: "/usr/share/zoneinfo/America/New_York" })).toBe(-240);
    expect(localUtcOffsetMinutes(ms, { TZ: "No/Such_Zone" })).toBe(-new Date(ms).getTimezoneOffset());
  });
});
