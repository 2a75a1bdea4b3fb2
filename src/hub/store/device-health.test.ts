/**
 * The health rule in TypeScript and in SQL must agree on every status text
 * a devices row can hold (they filter and count in SQL, show in TypeScript).
 */
import { describe, expect, test } from "bun:test";
import { Database } from "bun:sqlite";
import { DEVICE_HEALTHS, deviceHealth, healthRankSql, healthSql } from "./device-health.ts";

const STATUSES: [string, string][] = [
  ["running, idle", "ok"],
  ["running", "ok"],
  ["Running, printing, lowPaper", "ok"],
  ["warning, idle, lowToner", "warning"],
  ["testing, other", "warning"],
  ["down, other, jammed, doorOpen", "error"],
  [" down ,printing", "error"],
  ["unknown, idle", "unknown"],
  ["idle", "unknown"],
  ["", "unknown"],
  ["downright, odd", "unknown"],
  ["runningx", "unknown"],
];

describe("device health", () => {
  test("from the first word (hrDeviceStatus), the same in TypeScript and SQL", () => {
    const db = new Database(":memory:");
    const sql = db.query<{ h: string; rank: number }, [string, string]>(`SELECT ${healthSql("?1")} AS h, ${healthRankSql("?2")} AS rank`);
    for (const [status, health] of STATUSES) {
      expect([status, deviceHealth(status)]).toEqual([status, health]);
      const row = sql.get(status, status)!;
      expect([status, row.h, row.rank]).toEqual([status, health, DEVICE_HEALTHS.indexOf(health as (typeof DEVICE_HEALTHS)[number])]);
    }
    db.close();
  });
});
