/**
 * The web-access tunnels open on this agent, as the service sees them: a
 * bounded set the task handler adds to, that the poll loop tells when the
 * hub ends a session (PollResponse.ended_web_access) and when a new config
 * arrives (a tunnel whose device left the site's targets, whose port is no
 * longer allowed, or whose site turned web access off, closes). Light: it
 * loads nothing of SSH, so `dca run` keeps it from the start.
 */
import { checkTaskTarget } from "../../common/task-scope.ts";
import { DEFAULT_WEB_ACCESS_PORTS, isWebAccessPortAllowed } from "../../common/web-access.ts";
import type { ServiceConfig } from "../service/config-from-hub.ts";
import type { RelayRoute } from "./open-relay-stream.ts";
import type { SshKeyPair } from "./ssh-key.ts";

/** Tunnels open at once on one agent; a task beyond is refused. Each holds one TCP connection and up to 32 channels. */
export const MAX_WEB_ACCESS_TUNNELS = 8;

/** What the tunnel set needs to know of a tunnel. */
export interface OpenTunnelEntry {
  address: string;
  port: number;
  close(reason: string): void;
}

/** The open tunnels. */
export interface OpenTunnels {
  size(): number;
  /** Adds a tunnel; returns the function that removes it, or undefined when MAX_WEB_ACCESS_TUNNELS are open. */
  add(taskId: string, entry: OpenTunnelEntry): (() => void) | undefined;
  /** The hub ended these sessions. */
  end(taskIds: readonly string[]): void;
  /** A new config is in force; `known` are the addresses of the devices the site knows. */
  configChanged(config: ServiceConfig, known: readonly string[]): void;
}

/** What the web-access task handler works with, beside the job context. */
export interface WebAccessContext {
  tunnels: OpenTunnels;
  /** The agent's key, the one the hub registered. */
  key: SshKeyPair;
  /** How the agent reaches its hub (CA, pin, proxy): the relay is reached the same way. */
  route: RelayRoute;
  /** The state folder, where the relay URLs are kept for `dca doctor`. */
  stateDir: string;
}

/** Why a tunnel to `address`:`port` may not be open under `config` (undefined: it may). */
export function webAccessRefusal(config: ServiceConfig, known: readonly string[], address: string, port: number): string | undefined {
  const { webAccess, config: c } = config;
  if (webAccess.disabled) return "web access is off for this site";
  if (!isWebAccessPortAllowed(port, webAccess.ports)) {
    return `port ${port} is not allowed for web access at this site (allowed: ${[...DEFAULT_WEB_ACCESS_PORTS, ...webAccess.ports].join(", ")})`;
  }
  const scope = checkTaskTarget(address, { targets: c.scan.targets, exclude: c.scan.exclude, known });
  return scope.ok ? undefined : "the device left the site's targets";
}

/** An empty set. */
export function createOpenTunnels(max = MAX_WEB_ACCESS_TUNNELS): OpenTunnels {
  const open = new Map<string, OpenTunnelEntry>();
  return {
    size: () => open.size,
    add(taskId, entry) {
      if (open.size >= max || open.has(taskId)) return undefined;
      open.set(taskId, entry);
      return () => {
        if (open.get(taskId) === entry) open.delete(taskId);
      };
    },
    end(taskIds) {
      for (const id of taskIds) open.get(id)?.close("ended by the hub");
    },
    configChanged(config, known) {
      for (const t of open.values()) {
        const why = webAccessRefusal(config, known, t.address, t.port);
        if (why) t.close(why);
      }
    },
  };
}
