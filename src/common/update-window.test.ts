import { describe, expect, test } from "bun:test";
import { insideUpdateWindow, parseUpdateWindow } from "./update-window.ts";
import { compareVersions } from "./release-version.ts";

// 2026-03-07 is a Saturday.
const at = (iso: string) => Date.parse(iso);

describe("update windows", () => {
  test("a window on one day, in the agent's local time", () => {
    expect(insideUpdateWindow("Sat 01:00-05:00", at("2026-03-07T01:00:00Z"), 0)).toBe(true);
    expect(insideUpdateWindow("Sat 01:00-05:00", at("2026-03-07T05:00:00Z"), 0)).toBe(false);
    expect(insideUpdateWindow("Sat 01:00-05:00", at("2026-03-06T01:30:00Z"), 0)).toBe(false);
    // 00:30 UTC is 01:30 at UTC+1: inside; at UTC-1 it is Friday 23:30: outside.
    expect(insideUpdateWindow("Sat 01:00-05:00", at("2026-03-07T00:30:00Z"), 60)).toBe(true);
    expect(insideUpdateWindow("Sat 01:00-05:00", at("2026-03-07T00:30:00Z"), -60)).toBe(false);
  });

  test("past midnight, day ranges, daily, and no window", () => {
    expect(insideUpdateWindow("Fri 22:00-02:00", at("2026-03-07T01:00:00Z"), 0)).toBe(true);
    expect(insideUpdateWindow("Fri 22:00-02:00", at("2026-03-08T01:00:00Z"), 0)).toBe(false);
    expect(insideUpdateWindow("Mon-Fri 09:00-10:00", at("2026-03-06T09:30:00Z"), 0)).toBe(true);
    expect(insideUpdateWindow("Mon-Fri 09:00-10:00", at("2026-03-07T09:30:00Z"), 0)).toBe(false);
    expect(insideUpdateWindow("Fri-Mon 09:00-10:00", at("2026-03-08T09:30:00Z"), 0)).toBe(true);
    expect(insideUpdateWindow("daily 03:00-04:00", at("2026-03-04T03:10:00Z"), 0)).toBe(true);
    expect(insideUpdateWindow("", at("2026-03-04T03:10:00Z"), 0)).toBe(true);
    expect(insideUpdateWindow("garbage", at("2026-03-04T03:10:00Z"), 0)).toBe(false);
  });

  test("what is not a window", () => {
    for (const t of ["Sat 1:00-5:00", "Sat 01:00-01:00", "Sun 24:00-01:00", "Xyz 01:00-02:00", "Sat 01:00"]) expect(parseUpdateWindow(t)).toBeUndefined();
  });
});

describe("release versions", () => {
  test("order", () => {
    const sorted = ["0.1.0-beta.2", "0.1.0-beta.10", "0.1.0", "0.1.1", "0.2.0", "0.10.0", "1.0.0"];
    for (let i = 1; i < sorted.length; i++) expect(compareVersions(sorted[i - 1]!, sorted[i]!)).toBeLessThan(0);
    expect(compareVersions("0.1.0", "0.1.0")).toBe(0);
    expect(compareVersions("junk", "0.0.1")).toBeLessThan(0);
  });
});
