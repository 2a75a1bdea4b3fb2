/**
 * A network namespace of a test's own (we run as root): only its loopback,
 * so a test may sweep a whole 127.0.0.0/8 without touching the host's. The
 * processes that must meet (hub, agent, simulator) all run inside it.
 */
export interface NetNamespace {
  name: string;
  /** `cmd` run inside the namespace. */
  wrap(cmd: readonly string[]): string[];
  /** Removes the namespace (its processes must have ended). */
  remove(): Promise<void>;
}

async function ip(...args: string[]): Promise<void> {
  const p = Bun.spawn({ cmd: ["ip", ...args], stdout: "ignore", stderr: "pipe" });
  const [code, err] = await Promise.all([p.exited, new Response(p.stderr).text()]);
  if (code !== 0) throw new Error(`ip ${args.join(" ")}: ${err.trim()}`);
}

/** Creates a namespace with its loopback up; the name says which test and process made it. */
export async function createNetNamespace(label: string): Promise<NetNamespace> {
  const name = `dca-${label}-${process.pid}`;
  await ip("netns", "add", name);
  await ip("netns", "exec", name, "ip", "link", "set", "lo", "up");
  return {
    name,
    wrap: (cmd) => ["ip", "netns", "exec", name, ...cmd],
    remove: () => ip("netns", "del", name),
  };
}

/**
 * Runs `fn` with DCA_BIN and DCA_HUB_BIN (test/support/service-peers.ts)
 * prefixed so that every `dca` and `dca-hub` process it starts runs in `ns`;
 * puts them back afterwards.
 */
export async function withPeersIn<T>(ns: NetNamespace, fn: () => Promise<T>): Promise<T> {
  const saved = { dca: process.env.DCA_BIN, hub: process.env.DCA_HUB_BIN };
  const prefix = `ip netns exec ${ns.name}`;
  process.env.DCA_BIN = `${prefix} ${saved.dca?.trim() || `${process.execPath} src/agent/main.ts`}`;
  process.env.DCA_HUB_BIN = `${prefix} ${saved.hub?.trim() || `${process.execPath} src/hub/main.ts`}`;
  try {
    return await fn();
  } finally {
    for (const [key, value] of [["DCA_BIN", saved.dca], ["DCA_HUB_BIN", saved.hub]] as const) {
      if (value === undefined) delete process.env[key];
      else process.env[key] = value;
    }
  }
}
