/**
 * Starts a service the way its systemd unit would, where systemd does not run: the
 * unit file's User=/Group=, Environment=, ExecStart=, NoNewPrivileges= and
 * AmbientCapabilities=/CapabilityBoundingSet= become a setpriv(1) command line, and
 * its StateDirectory= the folders (which must exist: the postinst makes them) left
 * writable in the overlay root's imitation of ProtectSystem=strict (overlay-root.ts). What this does not imitate: the seccomp
 * filters (SystemCallFilter, RestrictAddressFamilies, RestrictNamespaces...), the
 * device policy of PrivateDevices, and the restart policy.
 */
import type { Sandbox } from "./overlay-root.ts";

/** The settings of a unit file, each key's values in order. */
export function parseUnit(text: string): Map<string, string[]> {
  const settings = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const m = /^([A-Za-z]+)=(.*)$/.exec(line.trim());
    if (m) settings.set(m[1]!, [...(settings.get(m[1]!) ?? []), m[2]!]);
  }
  return settings;
}

/** Capability names as setpriv takes them: "CAP_NET_RAW CAP_X" to "-all,+net_raw,+x". */
function capabilities(list: string | undefined): string {
  const caps = (list ?? "").split(/\s+/).filter(Boolean).map((c) => `+${c.replace(/^CAP_/, "").toLowerCase()}`);
  return ["-all", ...caps].join(",");
}

/**
 * The shell command that starts the unit's ExecStart as the unit would, and its sandbox;
 * `exec` runs another command line in the same setting (`dca doctor` where the service runs).
 */
export function unitCommand(unitText: string, exec?: string): { script: string; sandbox: Sandbox } {
  const unit = parseUnit(unitText);
  const one = (key: string) => unit.get(key)?.at(-1);
  const user = one("User") ?? "root";
  const group = one("Group") ?? user;
  const env = (unit.get("Environment") ?? []).flatMap((e) => e.split(/\s+/)).filter(Boolean);
  const files = (unit.get("EnvironmentFile") ?? []).map((f) => f.replace(/^-/, ""));
  const command = exec ?? one("ExecStart");
  if (!command) throw new Error("the unit has no ExecStart");
  const states = (unit.get("StateDirectory") ?? []).flatMap((s) => s.split(/\s+/)).filter(Boolean);
  const setpriv = [
    "setpriv", `--reuid=${user}`, `--regid=${group}`, "--init-groups",
    ...(one("NoNewPrivileges") === "yes" ? ["--no-new-privs"] : []),
    `--inh-caps=${capabilities(one("AmbientCapabilities"))}`,
    `--ambient-caps=${capabilities(one("AmbientCapabilities"))}`,
    `--bounding-set=${capabilities(one("CapabilityBoundingSet"))}`,
  ];
  // systemd's environment: Environment=, then EnvironmentFile= over it, and HOME, USER, LOGNAME of User=.
  const script = [
    "set -e",
    `home=$(getent passwd ${user} | cut -d: -f6)`,
    `export ${[...env, 'HOME="$home"', `USER=${user}`, `LOGNAME=${user}`].join(" ")}`,
    `set -a; for f in ${files.join(" ") || "/nonexistent"}; do [ ! -r "$f" ] || . "$f"; done; set +a`,
    `umask ${one("UMask") ?? "0022"}`,
    // systemd expands the unit's $VAR references from that environment: here the shell does.
    `exec ${setpriv.join(" ")} ${command}`,
  ].join("\n");
  return { script, sandbox: { writable: states.map((s) => `/var/lib/${s}`) } };
}
