/**
 * The broker settings the hub last gave this agent (at activation, then on
 * each poll that changed them), kept in the state folder so that
 * `dca doctor` checks the MQTT line the agent really uses without polling
 * the hub (a poll would take the agent's pending tasks). No secret is in it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { writeFileAtomic } from "../../common/write-file-atomic.ts";
import type { WakeSettings } from "./wake-client.ts";

/** The file in the state folder. */
export const WAKE_SETTINGS_FILE = "wake.json";

/** Keeps `settings` (undefined or no URL: the hub names no broker). Throws what the write throws. */
export function saveWakeSettings(dir: string, settings: WakeSettings | undefined): void {
  const value = settings?.urls.length
    ? { urls: [...settings.urls], topic: settings.topic, username: settings.username, clientId: settings.clientId }
    : { urls: [] };
  writeFileAtomic(join(dir, WAKE_SETTINGS_FILE), `${JSON.stringify(value)}\n`, 0o600);
}

/**
 * What was saved: the settings, `"none"` when the hub named no broker, or
 * undefined when nothing (or nothing readable) was saved.
 */
export function loadWakeSettings(dir: string): WakeSettings | "none" | undefined {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(join(dir, WAKE_SETTINGS_FILE), "utf8"));
  } catch {
    return undefined;
  }
  const s = raw as Partial<WakeSettings>;
  if (!Array.isArray(s.urls) || !s.urls.every((u) => typeof u === "string")) return undefined;
  if (s.urls.length === 0) return "none";
  if (typeof s.topic !== "string" || typeof s.username !== "string" || typeof s.clientId !== "string") return undefined;
  return { urls: s.urls, topic: s.topic, username: s.username, clientId: s.clientId };
}
