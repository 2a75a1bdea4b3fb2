/**
 * `site set-updates`: how a site's agents update themselves (channel, window,
 * hold, health time; docs/release.md, "How a release reaches agents").
 */
import { flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import { parseUpdateWindow, WINDOW_FORMS } from "../../common/update-window.ts";
import type { ReleaseStore, UpdatePolicy } from "../store/index.ts";
import { type AdminCommand, type SiteNames, arg, noMoreArgs, siteArg } from "./admin-context.ts";
import { parseDurationMs } from "./admin-format.ts";

/** A site's update policy in words: "stable, Sat 01:00-05:00" or "held (beta)". */
export function describeUpdates(u: UpdatePolicy): string {
  const when = u.window === "" ? "any time" : u.window;
  return u.hold ? `held (${u.channel}; no release is offered)` : `${u.channel}, ${when}, healthy within ${u.healthSeconds}s`;
}

/** The update commands. */
export const UPDATE_COMMANDS: Record<string, AdminCommand<ReleaseStore & SiteNames>> = {
  "site set-updates": {
    usage: 'site set-updates SITE [--channel stable|beta] [--window "Sat 01:00-05:00"|any] [--health 10m] [--hold|--resume]',
    valued: ["channel", "window", "health"],
    booleans: ["hold", "resume"],
    run(ctx, p) {
      const site = siteArg(ctx, arg(p, 0, "SITE"));
      noMoreArgs(p, 1);
      const change: Partial<UpdatePolicy> = {};
      const channel = flag(p, "channel");
      if (channel !== undefined) {
        if (channel !== "stable" && channel !== "beta") throw new DcaError("usage", `--channel must be stable or beta, got "${channel}"`);
        change.channel = channel;
      }
      const window = flag(p, "window");
      if (window !== undefined) {
        if (window !== "any" && !parseUpdateWindow(window)) throw new DcaError("usage", `--window must be ${WINDOW_FORMS}, or "any"; got "${window}"`);
        change.window = window === "any" ? "" : parseUpdateWindow(window)!.text;
      }
      const health = flag(p, "health");
      if (health !== undefined) {
        const ms = parseDurationMs(health, "--health");
        if (ms < 10_000 || ms > 86_400_000) throw new DcaError("usage", "--health must be between 10s and 24h");
        change.healthSeconds = Math.round(ms / 1000);
      }
      if (p.flags.has("hold") && p.flags.has("resume")) throw new DcaError("usage", "--hold and --resume exclude each other");
      if (p.flags.has("hold")) change.hold = true;
      if (p.flags.has("resume")) change.hold = false;
      if (Object.keys(change).length === 0) throw new DcaError("usage", "say what to change: --channel, --window, --health, --hold or --resume");
      const policy = ctx.store.setUpdatePolicy(site.id, change);
      ctx.io.out(`site "${site.name}" updates: ${describeUpdates(policy)}\n`);
      return 0;
    },
  },
};
