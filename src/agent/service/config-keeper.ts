/**
 * The config in force, changed only as a whole: a config from the hub is
 * checked completely (serviceConfigFromHub) before anything of it is used;
 * a refused one leaves the previous in force and says why. An accepted one
 * is saved, so the agent starts with it next time even without the hub.
 */
import { DcaError } from "../../common/errors.ts";
import { plural } from "../../common/text.ts";
import type { AgentConfig } from "../../gen/dca/v1/agent_service_pb.ts";
import type { Outbox } from "../outbox/index.ts";
import { type ServiceConfig, serviceConfigFromHub } from "./config-from-hub.ts";
import type { RuntimeStore } from "./runtime-state.ts";

/** What a config keeper needs. */
export interface ConfigKeeperOptions {
  runtime: RuntimeStore;
  /** Takes the config's outbox bounds. */
  outbox: Pick<Outbox, "setLimits">;
  /** A config was refused: `message` says why (the next poll's last_error). */
  onError(message: string): void;
  log(line: string): void;
}

/** The config in force. */
export interface ConfigKeeper {
  /** The config in force (undefined until one was accepted). */
  current(): ServiceConfig | undefined;
  /**
   * Puts `c` in force if it passes the check; saves it when it came from
   * the hub (`fromHub`). Returns whether it was accepted.
   */
  apply(c: AgentConfig, fromHub: boolean): boolean;
}

/** A keeper that starts with the config saved last time, if it still passes. */
export function createConfigKeeper(opts: ConfigKeeperOptions): ConfigKeeper {
  let current: ServiceConfig | undefined;
  /** The last refusal logged: the hub sends the same config at every poll until it changes. */
  let refused = "";
  const keeper: ConfigKeeper = {
    current: () => current,
    apply(c, fromHub) {
      let next: ServiceConfig;
      try {
        next = serviceConfigFromHub(c);
        if (fromHub) opts.runtime.saveConfig(c);
        opts.outbox.setLimits(next.outbox);
      } catch (e) {
        const message = `config version ${c.version} refused: ${DcaError.from(e).message}`;
        opts.onError(message);
        if (message !== refused) opts.log(message);
        refused = message;
        return false;
      }
      refused = "";
      current = next;
      if (fromHub) {
        opts.log(`config version ${next.version} applied (${plural(next.config.scan.targets.length, "target")}, ${plural(next.config.credentials.length, "credential")})`);
      }
      return true;
    },
  };
  const saved = opts.runtime.loadConfig();
  if (saved) keeper.apply(saved, false);
  return keeper;
}
