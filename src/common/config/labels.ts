/**
 * How a config field is named in a refusal. The agent names fields as its
 * config file spells them ("snmp.port", "auth"); the hub's admin commands
 * pass the options that set them ("--port", "--v3-auth"). The path in front
 * of every refusal ("credentials.1.auth") is the same on both sides.
 */

/** Every field a rule can refuse, by its path without list indexes. */
export const CONFIG_FIELDS = [
  "credentials.name",
  "credentials.version",
  "credentials.community",
  "credentials.user",
  "credentials.auth",
  "credentials.priv",
  "credentials.context",
  "snmp.port",
  "snmp.timeout",
  "snmp.retries",
  "snmp.concurrency",
  "snmp.rate",
  "snmp.readConcurrency",
  "snmp.sweepTimeout",
  "snmp.readDeadline",
  "scan.targets",
  "scan.exclude",
  "schedule.discovery",
  "schedule.read",
  "schedule.poll",
  "outbox.maxReadings",
  "outbox.maxBytes",
  "outbox.maxAge",
] as const;

export type ConfigField = (typeof CONFIG_FIELDS)[number];
export type FieldLabels = Readonly<Record<ConfigField, string>>;

/** The agent's names: the config file's own, credential fields by their key. */
export const FILE_LABELS: FieldLabels = Object.fromEntries(
  CONFIG_FIELDS.map((f) => [f, f === "credentials.name" ? "credential name" : f.startsWith("credentials.") ? f.slice("credentials.".length) : f]),
) as FieldLabels;

/** FILE_LABELS with some names replaced (the hub passes its option names). */
export function withLabels(overrides: Partial<FieldLabels>): FieldLabels {
  return { ...FILE_LABELS, ...overrides };
}
