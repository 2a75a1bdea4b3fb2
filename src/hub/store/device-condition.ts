/**
 * What a reading says about a device's condition, in the two words alerts
 * act on (docs/alerts.md): the worst supply state, and whether the device is
 * in error. Kept beside the device row (devices.supply_state, error_since)
 * when the reading is applied, so alert rules and fleet views ask SQL, not
 * the protobuf of every latest reading.
 */
import { type DeviceReading, SupplyState } from "../../gen/dca/v1/reading_pb.ts";

/** The worst supply state a device shows: "" (none low), "low", or "empty" (empty, or a full waste receptacle). */
export type SupplyCondition = "" | "low" | "empty";

/** Longest supply description kept beside the state. */
const MAX_DESCRIPTION = 200;

/**
 * hrPrinterDetectedErrorState bits that stop the device printing (or need a person now). The
 * "low"/"near" bits, an overdue maintenance and one empty tray among others are warnings: the
 * supply rules cover what runs low.
 */
export const ERROR_BITS: ReadonlySet<string> = new Set([
  "noPaper",
  "noToner",
  "doorOpen",
  "jammed",
  "offline",
  "serviceRequested",
  "inputTrayMissing",
  "outputTrayMissing",
  "markerSupplyMissing",
  "outputFull",
]);

/** The worst supply of a reading and its description; a level the device does not know (-2, -3) is never low. */
export function worstSupply(r: DeviceReading): { state: SupplyCondition; description: string } {
  let worst: { state: SupplyCondition; description: string } = { state: "", description: "" };
  for (const s of r.supplies) {
    const state: SupplyCondition = s.state === SupplyState.EMPTY || s.state === SupplyState.FULL ? "empty" : s.state === SupplyState.LOW ? "low" : "";
    if (rank(state) > rank(worst.state)) worst = { state, description: (s.description || s.color || `supply ${s.index}`).slice(0, MAX_DESCRIPTION) };
  }
  return worst;
}

const rank = (s: SupplyCondition) => (s === "empty" ? 2 : s === "low" ? 1 : 0);

/** Whether a reading shows the device in error: hrDeviceStatus "down", or a detected error that stops it. */
export function inError(r: DeviceReading): boolean {
  const st = r.status;
  if (!st) return false;
  return st.deviceStatus === "down" || st.detectedErrors.some((e) => ERROR_BITS.has(e));
}
