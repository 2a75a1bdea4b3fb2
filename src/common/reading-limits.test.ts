import { describe, expect, test } from "bun:test";
import { create, toBinary } from "@bufbuild/protobuf";
import { DeviceReadingSchema } from "../gen/dca/v1/reading_pb.ts";
import { LIMITS_SECTION, MAX_READING_TEXT, READING_LIST_LIMITS, capReading, readingOverLimits } from "./reading-limits.ts";

const long = (n: number) => "x".repeat(n);

describe("the reading's bounds", () => {
  test("a reading within them is taken as it is", () => {
    const r = create(DeviceReadingSchema, { model: long(MAX_READING_TEXT), counters: Array.from({ length: 256 }, () => ({ name: "c" })) });
    expect(readingOverLimits(r)).toBeUndefined();
    expect(capReading(r)).toBe(r);
  });

  test("a long string anywhere is cut, and the cut is one ReadProblem; the original is untouched", () => {
    const r = create(DeviceReadingSchema, {
      model: long(15 * 1024 * 1024),
      supplies: [{ description: "black" }, { description: long(5000) }],
      status: { detectedErrors: ["lowPaper", long(2000)] },
      console: [long(1025)],
    });
    expect(readingOverLimits(r)).toBeUndefined();
    const c = capReading(r);
    expect(c).not.toBe(r);
    expect(r.model.length).toBe(15 * 1024 * 1024);
    expect(c.model.length).toBe(MAX_READING_TEXT);
    expect(c.supplies.map((s) => s.description.length)).toEqual([5, MAX_READING_TEXT]);
    expect(c.status?.detectedErrors.map((s) => s.length)).toEqual([8, MAX_READING_TEXT]);
    expect(c.console[0]!.length).toBe(MAX_READING_TEXT);
    expect(c.problems).toHaveLength(1);
    expect(c.problems[0]).toMatchObject({ section: LIMITS_SECTION });
    expect(c.problems[0]!.message).toContain("model (15728640 characters)");
    expect(c.problems[0]!.message).toContain("supplies[1].description (5000 characters)");
    expect(c.problems[0]!.message).toContain("status.detected_errors[1]");
    expect(toBinary(DeviceReadingSchema, c).length).toBeLessThan(8 * 1024);
  });

  test("a list over its bound is named (the hub refuses it) and cut by capReading, the problems keeping room for the note", () => {
    for (const [key, max] of Object.entries(READING_LIST_LIMITS)) {
      const [message, field] = key.split(".") as [string, string];
      const many = Array.from({ length: max + 1 }, () => (field === "console" || field === "detected_errors" ? "a" : {}));
      const init = message === "PrinterStatus" ? { status: { detectedErrors: many as string[] } } : { [field.replace(/_(.)/g, (_, c: string) => c.toUpperCase())]: many };
      const r = create(DeviceReadingSchema, init);
      const path = message === "PrinterStatus" ? `status.${field}` : field;
      expect(readingOverLimits(r)).toBe(`${path} has ${max + 1} entries, at most ${max}`);
      const c = capReading(r);
      expect(readingOverLimits(c)).toBeUndefined();
      expect(c.problems.at(-1)?.message).toContain(`${path} (${max + 1} entries)`);
    }
  });
});
