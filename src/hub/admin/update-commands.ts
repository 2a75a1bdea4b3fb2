/**
 * `site set-updates`: how a site's agents update themselves (channel, window,
 * hold, health time; docs/release.md, "How a release reaches agents").
 */
import { flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import type { UpdatePolicy } from "../store/index.ts";
import { type AdminCommand, arg, noMoreArgs } from "./admin-context.ts";
import { parseDurationMs } from "./admin-format.ts";
import { updatePolicyOf } from "./from-proto.ts";

/** A site's update policy in words: "stable, Sat 01:00-05:00" or "held (beta)". */
export function describeUpdates(u: UpdatePolicy): string {
  const when = u.window === "" ? "any time" : u.window;
  return u.hold ? `held (${u.channel}; no release is offered)` : `${u.channel}, ${when}, healthy within ${u.healthSeconds}s`;
}

/** The update commands. */
export const UPDATE_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "site set-updates": {
    usage: 'site set-updates SITE [--channel stable|beta] [--window "Sat 01:00-05:00"|any] [--health 10m] [--hold|--resume]',
    valued: ["channel", "window", "health"],
    booleans: ["hold", "resume"],
    remote: true,
    async run(ctx, p) {
      const site = arg(p, 0, "SITE");
      noMoreArgs(p, 1);
      const health = flag(p, "health");
      if (p.flags.has("hold") && p.flags.has("resume")) throw new DcaError("usage", "--hold and --resume exclude each other");
      const r = await ctx.api.setSiteUpdates({
        site,
        channel: flag(p, "channel"),
        window: flag(p, "window"),
        healthSeconds: health === undefined ? undefined : Math.round(parseDurationMs(health, "--health") / 1000),
        hold: p.flags.has("hold") ? true : p.flags.has("resume") ? false : undefined,
      });
      ctx.io.out(`site "${r.site?.name}" updates: ${describeUpdates(updatePolicyOf(r.updates))}\n`);
      return 0;
    },
  },
};
