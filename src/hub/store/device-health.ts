/**
 * A device's health at a glance, from the status text its newest reading
 * left in the devices row ("running, idle", "down, printing, noToner"): the
 * first word is hrDeviceStatus, which the device itself sets from its
 * alerts. The same rule twice, in TypeScript for rows already read and in
 * SQL for filtering and counting 10,000 rows without reading them out;
 * device-health.test.ts holds the two to each other.
 */

/** The health classes, in their sort order (ok first ascending, error first descending). */
export const DEVICE_HEALTHS = ["ok", "unknown", "warning", "error"] as const;
export type DeviceHealthName = (typeof DEVICE_HEALTHS)[number];

/** hrDeviceStatus names and their class; anything else (or nothing) is unknown. */
const BY_DEVICE_STATUS: Readonly<Record<string, DeviceHealthName>> = {
  running: "ok",
  warning: "warning",
  testing: "warning",
  down: "error",
};

/** The health of a devices row's status text. */
export function deviceHealth(status: string): DeviceHealthName {
  const first = status.split(",", 1)[0]!.trim().toLowerCase();
  return BY_DEVICE_STATUS[first] ?? "unknown";
}

/** The status text's first word, in SQL (`col` is a column name of ours, never input). */
const firstWord = (col: string) => `lower(trim(CASE WHEN instr(${col}, ',') > 0 THEN substr(${col}, 1, instr(${col}, ',') - 1) ELSE ${col} END))`;

/** `deviceHealth(col)` as an SQL expression giving the class name. */
export function healthSql(col: string): string {
  const cases = Object.entries(BY_DEVICE_STATUS)
    .map(([word, health]) => `WHEN '${word}' THEN '${health}'`)
    .join(" ");
  return `(CASE ${firstWord(col)} ${cases} ELSE 'unknown' END)`;
}

/** The health's rank (its index in DEVICE_HEALTHS) as an SQL expression, for sorting. */
export function healthRankSql(col: string): string {
  const cases = Object.entries(BY_DEVICE_STATUS)
    .map(([word, health]) => `WHEN '${word}' THEN ${DEVICE_HEALTHS.indexOf(health)}`)
    .join(" ");
  return `(CASE ${firstWord(col)} ${cases} ELSE ${DEVICE_HEALTHS.indexOf("unknown")} END)`;
}
