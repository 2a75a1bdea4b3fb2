/**
 * The relay options of `dca-hub serve`, checked together: the embedded
 * relay (default; SSH on port 22 of the --listen host if it can have it,
 * and always the /relay WebSocket on the hub's port), OpenSSH's sshd
 * beside the hub (--relay sshd with its socket folder, URL, host key and
 * account), or none (--relay off).
 */
import { readFileSync, statSync } from "node:fs";
import { isAbsolute } from "node:path";
import { utils } from "ssh2";
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { parseHostPort } from "../mqtt/serve-options.ts";
import type { HubRelayOptions } from "./start-hub-relay.ts";
import { MAX_SOCKET_DIR_LENGTH } from "./sshd-tunnel-dialer.ts";

/** The valued flags serve takes for the relay. */
export const RELAY_VALUED_FLAGS = ["relay", "relay-listen", "relay-url", "relay-socket-dir", "relay-host-key", "relay-user"] as const;

/** SSH's port: the relay's default, taken only if free and allowed. */
export const DEFAULT_RELAY_PORT = 22;

const SSHD_ONLY = ["relay-socket-dir", "relay-host-key", "relay-user"] as const;

function relayUrls(p: ParsedArgs): string[] {
  return (p.flags.get("relay-url") ?? []).map((u) => {
    let url: URL;
    try {
      url = new URL(u);
    } catch {
      throw new UsageError(`--relay-url must be ssh://HOST:PORT or wss://HOST:PORT/relay, got "${u}"`);
    }
    if ((url.protocol !== "ssh:" && url.protocol !== "wss:") || !url.hostname) throw new UsageError(`--relay-url must be ssh://HOST:PORT or wss://HOST:PORT/relay, got "${u}"`);
    return u;
  });
}

/** `hubHost` is the --listen host: the relay's SSH port listens there too unless told otherwise. */
export function relayOptionsFrom(p: ParsedArgs, hubHost: string): HubRelayOptions {
  const mode = flag(p, "relay") ?? "embedded";
  const given = (name: string) => p.flags.has(name);
  if (mode === "off") {
    const other = RELAY_VALUED_FLAGS.find((f) => f !== "relay" && given(f));
    if (other) throw new UsageError(`--relay off and --${other} do not go together`);
    return { mode: "off" };
  }
  const publicUrls = relayUrls(p);
  if (mode === "embedded") {
    const stray = SSHD_ONLY.find(given);
    if (stray) throw new UsageError(`--${stray} is for --relay sshd`);
    const listenFlag = flag(p, "relay-listen");
    const listen = listenFlag === "none" ? undefined : listenFlag === undefined ? { host: hubHost, port: DEFAULT_RELAY_PORT } : parseHostPort("relay-listen", listenFlag);
    return { mode: "embedded", listen, listenIsDefault: listenFlag === undefined, publicUrls };
  }
  if (mode !== "sshd") throw new UsageError(`--relay must be embedded, sshd or off, got "${mode}"`);
  if (given("relay-listen")) throw new UsageError("--relay-listen is for the embedded relay; with --relay sshd, sshd listens");
  const socketDir = flag(p, "relay-socket-dir");
  const keyFile = flag(p, "relay-host-key");
  if (!socketDir || !keyFile || publicUrls.length === 0) {
    throw new UsageError("--relay sshd needs --relay-socket-dir DIR, --relay-url ssh://HOST:PORT and --relay-host-key FILE.pub (see docs/web-access.md)");
  }
  if (!isAbsolute(socketDir) || socketDir.length > MAX_SOCKET_DIR_LENGTH) {
    throw new UsageError(`--relay-socket-dir must be an absolute path of at most ${MAX_SOCKET_DIR_LENGTH} characters (a unix socket path is short), got "${socketDir}"`);
  }
  try {
    if (!statSync(socketDir).isDirectory()) throw new Error("not a folder");
  } catch {
    throw new UsageError(`--relay-socket-dir: ${socketDir} is not a folder; create it (see docs/web-access.md)`);
  }
  let keyText: string;
  try {
    keyText = readFileSync(keyFile, "utf8").trim();
  } catch (e) {
    throw new UsageError(`--relay-host-key: cannot read ${keyFile} (${(e as NodeJS.ErrnoException).code ?? "error"})`);
  }
  const key = utils.parseKey(keyText);
  if (key instanceof Error || Array.isArray(key) || key.isPrivateKey()) throw new UsageError(`--relay-host-key: ${keyFile} is not an OpenSSH public key (give sshd's ssh_host_ed25519_key.pub)`);
  const hostKey = `${key.type} ${key.getPublicSSH().toString("base64")}`;
  return { mode: "sshd", socketDir, publicUrls, hostKey, user: flag(p, "relay-user") ?? "dca-relay" };
}
