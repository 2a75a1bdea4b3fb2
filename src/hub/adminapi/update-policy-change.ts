/** A SetSiteUpdates request as a checked change of the site's update policy. */
import { DcaError } from "../../common/errors.ts";
import { WINDOW_FORMS, parseUpdateWindow } from "../../common/update-window.ts";
import type { SetSiteUpdatesRequest } from "../../gen/dca/v1/admin_sites_pb.ts";
import type { UpdatePolicy } from "../store/index.ts";

/** The fields the request sets, checked ("usage" errors name the CLI's options). */
export function updatePolicyChange(req: SetSiteUpdatesRequest): Partial<UpdatePolicy> {
  const change: Partial<UpdatePolicy> = {};
  if (req.channel !== undefined) {
    if (req.channel !== "stable" && req.channel !== "beta") throw new DcaError("usage", `--channel must be stable or beta, got "${req.channel}"`);
    change.channel = req.channel;
  }
  if (req.window !== undefined) {
    const w = req.window === "any" || req.window === "" ? undefined : parseUpdateWindow(req.window);
    if (req.window !== "any" && req.window !== "" && !w) throw new DcaError("usage", `--window must be ${WINDOW_FORMS}, or "any"; got "${req.window}"`);
    change.window = w ? w.text : "";
  }
  if (req.healthSeconds !== undefined) {
    if (req.healthSeconds < 10 || req.healthSeconds > 86_400) throw new DcaError("usage", "--health must be between 10s and 24h");
    change.healthSeconds = req.healthSeconds;
  }
  if (req.hold !== undefined) change.hold = req.hold;
  if (Object.keys(change).length === 0) throw new DcaError("usage", "say what to change: --channel, --window, --health, --hold or --resume");
  return change;
}
