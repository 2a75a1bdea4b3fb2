import { afterAll, expect, test } from "bun:test";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createLogFile, SERVICE_LOG_FILE } from "./service-log.ts";

const dir = mkdtempSync(join(tmpdir(), "dca-service-log-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

test("the log is kept to two files: past its size, dca.log becomes dca.log.1 (replacing it) and a new one starts", () => {
  const log = createLogFile(dir, 100);
  for (let i = 0; i < 30; i++) log(`line ${String(i).padStart(2, "0")}\n`); // 8 bytes each
  const current = readFileSync(join(dir, SERVICE_LOG_FILE), "utf8");
  const previous = readFileSync(join(dir, `${SERVICE_LOG_FILE}.1`), "utf8");
  expect(current.length).toBeLessThanOrEqual(108);
  expect(previous.length).toBeLessThanOrEqual(108);
  // Rotated after 13 lines (104 bytes > 100): lines 0-12, then 13-25, then 26-29 in dca.log.
  const lines = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `line ${String(from + i).padStart(2, "0")}\n`).join("");
  expect(previous).toBe(lines(13, 25));
  expect(current).toBe(lines(26, 29));
});

test("a folder that does not exist yet: nothing is written and nothing thrown; once it exists the log starts", () => {
  const later = join(dir, "later");
  const log = createLogFile(later);
  expect(() => log("lost\n")).not.toThrow();
  mkdirSync(later);
  log("kept\n");
  expect(readFileSync(join(later, SERVICE_LOG_FILE), "utf8")).toBe("kept\n");
  expect(existsSync(join(later, `${SERVICE_LOG_FILE}.1`))).toBe(false);
});
