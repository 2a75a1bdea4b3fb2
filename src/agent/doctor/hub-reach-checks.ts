/**
 * The first steps to the hub: its name, a TCP connection to its port, and
 * the proxy when the agent goes through one (the proxy then resolves the
 * name and opens the connection, so the direct steps are not the agent's).
 */
import { lookup } from "node:dns/promises";
import { connect, isIP } from "node:net";
import { ConnectError } from "@connectrpc/connect";
import { openProxyTunnel } from "../transport/proxy-tunnel.ts";
import { type CheckContext, type CheckOutcome, fail, pass, skip } from "./check-result.ts";
import type { DoctorSetup } from "./doctor-setup.ts";

/** The hub's name resolves on this PC. */
export async function checkHubDns(s: DoctorSetup, ctx: CheckContext): Promise<CheckOutcome> {
  const { host } = s.hub;
  if (isIP(host)) return pass(`${host} is an address: nothing to resolve`);
  if (s.proxy) return skip(`not needed: the proxy ${s.proxy.label} resolves ${host}`);
  try {
    const found = await withTimeout(lookup(host, { all: true }), ctx.timeoutMs);
    if (!found) return fail(`${host} did not resolve within ${seconds(ctx.timeoutMs)}`, `check this PC's DNS server answers for ${host}`);
    return pass(`${host} resolves to ${found.map((a) => a.address).join(", ")}`);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? "error";
    return fail(`${host} does not resolve (${code})`, `add a DNS record for ${host} that this PC can see, or check the hub URL`);
  }
}

/** Network failures in words, with what to allow. */
const TCP_FAILURES: Readonly<Record<string, string>> = {
  ECONNREFUSED: "refused",
  ECONNRESET: "reset",
  EHOSTUNREACH: "failed: no route to the host",
  ENETUNREACH: "failed: no route to the network",
  ETIMEDOUT: "failed: no answer",
};

/** A TCP connection to `host:port` opens (directly: the agent's way when it has no proxy). */
export async function checkTcp(host: string, port: number, what: string, ctx: CheckContext): Promise<CheckOutcome> {
  const shown = isIP(host) === 6 ? `[${host}]:${port}` : `${host}:${port}`;
  const allow = `allow outbound TCP ${port} from this PC to ${host}`;
  const started = performance.now();
  const result = await new Promise<string | undefined>((resolve) => {
    const socket = connect({ host, port });
    const timer = setTimeout(() => done("no answer"), ctx.timeoutMs);
    function done(failure?: string) {
      clearTimeout(timer);
      socket.destroy();
      resolve(failure);
    }
    socket.once("connect", () => done());
    socket.once("error", (e: NodeJS.ErrnoException) => done(e.code ?? e.message));
  });
  if (result === undefined) return pass(`TCP to ${shown} opens (${Math.round(performance.now() - started)} ms)`);
  if (result === "no answer") return fail(`TCP to ${shown}: no answer within ${seconds(ctx.timeoutMs)} (a firewall drops it?)`, allow);
  const words = TCP_FAILURES[result] ?? `failed (${result})`;
  return fail(`TCP to ${shown} ${words}${result === "ECONNREFUSED" ? ` (nothing listens there, or a firewall rejects it)` : ""}`, `${allow}, and check that ${what} runs there`);
}

/** The hub's port, directly; through a proxy that is the proxy's row. */
export function checkHubTcp(s: DoctorSetup, ctx: CheckContext): Promise<CheckOutcome> | CheckOutcome {
  if (s.proxy) return skip(`not needed: the agent reaches ${s.hub.authority} through the proxy ${s.proxy.label}`);
  return checkTcp(s.hub.host, s.hub.port, `"dca-hub serve"`, ctx);
}

/** The proxy is reachable and opens a tunnel (CONNECT) to the hub's port. */
export async function checkProxy(s: DoctorSetup, ctx: CheckContext): Promise<CheckOutcome> {
  const proxy = s.proxy;
  if (!proxy) return skip("no proxy: the agent connects directly (none given at activation or with --proxy, no $HTTPS_PROXY)");
  try {
    const socket = await openProxyTunnel(proxy, s.hub.authority, ctx.timeoutMs);
    socket.destroy();
    return pass(`the proxy ${proxy.label} (${s.proxySource}) allows CONNECT to ${s.hub.authority}`);
  } catch (e) {
    const message = e instanceof ConnectError ? e.rawMessage : (e as Error).message;
    if (/cannot reach the proxy|closed the connection before/.test(message)) {
      return fail(message.replace(/; check --proxy.*$/, ""), `allow TCP ${proxy.port} from this PC to the proxy ${proxy.host}, and check that it runs (or fix the proxy URL: dca activate --proxy, or $HTTPS_PROXY)`);
    }
    if (/\b40[17]\b/.test(message)) return fail(message, "give the proxy's user and password in the proxy URL: http://user:password@host:port");
    return fail(message, `ask the proxy's admin to allow CONNECT to ${s.hub.authority} (tinyproxy: ConnectPort ${s.hub.port}; squid: the port in SSL_ports)`);
  }
}

/** "4 s", for messages. */
export function seconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

/** `p`'s value, or undefined after `ms`. */
export function withTimeout<T>(p: Promise<T>, ms: number): Promise<T | undefined> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  return Promise.race([p, new Promise<undefined>((r) => (timer = setTimeout(() => r(undefined), ms)))]).finally(() => clearTimeout(timer));
}
