/**
 * A real HTTP CONNECT proxy on loopback for transport tests: tinyproxy
 * (Debian package `tinyproxy`), else squid (`squid`), each in the
 * foreground with its own config and log in a temp folder. Customer sites
 * run exactly these kinds of proxies, so the agent's tunnel code meets a
 * real one rather than our idea of one.
 */
import { freeTcpPort as freePort } from "./free-port.ts";
import { spawn, spawnSync } from "node:child_process";
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { stopChild, waitForPort } from "./peer-process.ts";

/** A running proxy. */
export interface ProxyPeer {
  kind: "tinyproxy" | "squid";
  /** "http://127.0.0.1:PORT", without credentials. */
  url: string;
  port: number;
  /** The URL with these credentials in it. */
  urlWith(user: string, password: string): string;
  /** What the proxy logged so far (its CONNECT lines among it). */
  log(): string;
  /**
   * Resolves to the log once it contains `needle`, or to the log as it is
   * after `timeoutMs`. squid logs a tunnel only when it closes.
   */
  waitForLog(needle: string, timeoutMs?: number): Promise<string>;
  close(): Promise<void>;
}

/** What the proxy allows. */
export interface ProxyPeerOptions {
  /** Ports CONNECT may reach (the test server's); others get 403. */
  connectPorts: number[];
  /** Require this user and password (Basic). */
  basicAuth?: { user: string; password: string };
  /** Force one kind (also `DCA_TEST_PROXY=tinyproxy|squid`). */
  kind?: "tinyproxy" | "squid";
}

function which(name: string, fallbacks: string[]): string | undefined {
  for (const dir of [...(process.env.PATH ?? "").split(delimiter), ...fallbacks]) {
    if (dir && existsSync(join(dir, name))) return join(dir, name);
  }
  return undefined;
}

/** Which proxy would start, or undefined with the reason to skip in `skipReason`. */
export function proxyPeerKind(wanted = process.env.DCA_TEST_PROXY): "tinyproxy" | "squid" | undefined {
  const tiny = which("tinyproxy", ["/usr/bin", "/usr/sbin"]);
  const squid = which("squid", ["/usr/sbin"]);
  if (wanted === "tinyproxy") return tiny ? "tinyproxy" : undefined;
  if (wanted === "squid") return squid ? "squid" : undefined;
  return tiny ? "tinyproxy" : squid ? "squid" : undefined;
}

/** Why proxy tests cannot run here, or undefined when they can. */
export function proxyPeerSkipReason(): string | undefined {
  return proxyPeerKind() ? undefined : "neither tinyproxy nor squid is installed (apt-get install tinyproxy)";
}

function tinyproxyConfig(dir: string, port: number, opts: ProxyPeerOptions): string {
  const lines = [
    `Port ${port}`,
    "Listen 127.0.0.1",
    "Timeout 30",
    "MaxClients 50",
    "Allow 127.0.0.1",
    `LogFile "${join(dir, "proxy.log")}"`,
    "LogLevel Connect",
    ...opts.connectPorts.map((p) => `ConnectPort ${p}`),
  ];
  if (opts.basicAuth) lines.push(`BasicAuth ${opts.basicAuth.user} ${opts.basicAuth.password}`);
  return lines.join("\n") + "\n";
}

function squidConfig(dir: string, port: number, opts: ProxyPeerOptions): string {
  const lines = [
    `http_port 127.0.0.1:${port}`,
    `pid_filename ${join(dir, "squid.pid")}`,
    `cache_log ${join(dir, "cache.log")}`,
    `access_log stdio:${join(dir, "proxy.log")}`,
    `coredump_dir ${dir}`,
    "cache deny all",
    "shutdown_lifetime 0 seconds",
    `acl test_ports port ${opts.connectPorts.join(" ")}`,
    "http_access deny CONNECT !test_ports",
  ];
  if (opts.basicAuth) {
    const hash = spawnSync("openssl", ["passwd", "-apr1", opts.basicAuth.password], { encoding: "utf8" }).stdout.trim();
    writeFileSync(join(dir, "passwd"), `${opts.basicAuth.user}:${hash}\n`, { mode: 0o644 });
    lines.push(`auth_param basic program /usr/lib/squid/basic_ncsa_auth ${join(dir, "passwd")}`, "acl users proxy_auth REQUIRED", "http_access deny !users");
  }
  lines.push("http_access allow localhost", "http_access deny all");
  return lines.join("\n") + "\n";
}


/** Starts a proxy on 127.0.0.1; throws when none is installed (check proxyPeerSkipReason first). */
export async function startProxyPeer(opts: ProxyPeerOptions): Promise<ProxyPeer> {
  const kind = opts.kind ?? proxyPeerKind();
  if (!kind) throw new Error(proxyPeerSkipReason());
  const dir = mkdtempSync(join(tmpdir(), `dca-${kind}-`));
  // squid started as root drops to its own user, which must still write its logs here.
  chmodSync(dir, 0o777);
  const port = await freePort();
  const conf = join(dir, `${kind}.conf`);
  writeFileSync(conf, kind === "tinyproxy" ? tinyproxyConfig(dir, port, opts) : squidConfig(dir, port, opts), { mode: 0o644 });
  const bin = kind === "tinyproxy" ? which("tinyproxy", ["/usr/bin", "/usr/sbin"])! : which("squid", ["/usr/sbin"])!;
  const args = kind === "tinyproxy" ? ["-d", "-c", conf] : ["-N", "-f", conf];
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  let output = "";
  child.stdout!.on("data", (d) => (output += d));
  child.stderr!.on("data", (d) => (output += d));
  const log = () => (existsSync(join(dir, "proxy.log")) ? readFileSync(join(dir, "proxy.log"), "utf8") : "");
  try {
    await waitForPort("the proxy", port, child, () => output + log(), kind === "squid" ? 15_000 : 5_000);
  } catch (e) {
    child.kill("SIGKILL");
    rmSync(dir, { recursive: true, force: true });
    throw e;
  }
  const url = `http://127.0.0.1:${port}`;
  return {
    kind,
    url,
    port,
    urlWith: (user, password) => `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    log,
    async waitForLog(needle, timeoutMs = 3000) {
      const deadline = Date.now() + timeoutMs;
      while (!log().includes(needle) && Date.now() < deadline) await Bun.sleep(25);
      return log();
    },
    async close() {
      await stopChild(child);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
