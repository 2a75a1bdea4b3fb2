/**
 * An HTTP CONNECT tunnel (RFC 9110 9.3.6): a TCP connection to the proxy,
 * one CONNECT request, and from a 2xx answer on the connection is a byte
 * pipe to the hub, over which TLS then runs end to end: the proxy sees
 * where the agent goes, never what it says.
 */
import { connect as netConnect, type Socket } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import type { ProxyEndpoint } from "./proxy-config.ts";

// Proxies answer CONNECT with a few short headers; more than this is not a proxy.
const MAX_HEAD_BYTES = 16 * 1024;

/**
 * Opens a tunnel through `proxy` to `authority` ("host:port") and resolves
 * to the socket, positioned at the first byte from the hub. Fails with a
 * ConnectError (Unavailable) that names the proxy by its label when the
 * proxy cannot be reached, answers anything but 2xx, closes, or takes longer
 * than `timeoutMs`.
 */
export function openProxyTunnel(proxy: ProxyEndpoint, authority: string, timeoutMs: number): Promise<Socket> {
  return new Promise<Socket>((resolve, reject) => {
    const socket = netConnect({ host: proxy.host, port: proxy.port });
    let head = Buffer.alloc(0);
    let settled = false;
    const fail = (message: string, cause?: unknown) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      reject(new ConnectError(scrub(message, proxy), Code.Unavailable, undefined, undefined, cause));
    };
    const timer = setTimeout(() => fail(`the proxy ${proxy.label} did not open a tunnel to ${authority} within ${timeoutMs} ms`), timeoutMs);
    socket.once("connect", () => {
      const lines = [`CONNECT ${authority} HTTP/1.1`, `Host: ${authority}`];
      if (proxy.authorization) lines.push(`Proxy-Authorization: ${proxy.authorization}`);
      socket.write(`${lines.join("\r\n")}\r\n\r\n`);
    });
    const onError = (e: NodeJS.ErrnoException) => fail(`cannot reach the proxy ${proxy.label}: ${e.code ?? e.message}; check --proxy (or \$HTTPS_PROXY) and that the proxy runs`, e);
    const onClose = () => fail(`the proxy ${proxy.label} closed the connection before answering CONNECT ${authority}`);
    socket.on("error", onError);
    socket.on("close", onClose);
    const onData = (chunk: Buffer) => {
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf("\r\n\r\n");
      if (end < 0) {
        if (head.length > MAX_HEAD_BYTES) fail(`the proxy ${proxy.label} sent an answer too long to be one to CONNECT`);
        return;
      }
      socket.off("data", onData);
      socket.pause();
      const statusLine = head.subarray(0, head.indexOf("\r\n")).toString("latin1");
      const m = /^HTTP\/1\.[01] (\d{3})\s*(.*)$/.exec(statusLine);
      if (!m) return fail(`the proxy ${proxy.label} answered CONNECT with something that is not HTTP`);
      const status = Number(m[1]);
      if (status < 200 || status > 299) return fail(refusal(proxy, authority, status, m[2]));
      // The hub speaks only after our TLS hello, so nothing should follow the head; keep it if something does.
      const rest = head.subarray(end + 4);
      if (rest.length > 0) socket.unshift(rest);
      settled = true;
      clearTimeout(timer);
      socket.off("error", onError);
      socket.off("close", onClose);
      resolve(socket);
    };
    socket.on("data", onData);
  });
}

function refusal(proxy: ProxyEndpoint, authority: string, status: number, reason: string): string {
  const what = `the proxy ${proxy.label} refused the tunnel to ${authority}: ${status} ${reason.slice(0, 100)}`.trimEnd();
  // 407 is the standard answer; tinyproxy 1.11 says 401 to a CONNECT with a wrong password.
  if (status === 407 || status === 401) {
    return proxy.authorization
      ? `${what} (the proxy did not accept the user and password of the proxy URL)`
      : `${what} (the proxy wants a user and password: http://user:password@host:port)`;
  }
  if (status === 403) return `${what} (the proxy does not allow this destination or port)`;
  return what;
}

/** Whatever a proxy put in its reason phrase, our own password does not travel on in a message. */
function scrub(message: string, proxy: ProxyEndpoint): string {
  return proxy.password ? message.replaceAll(proxy.password, "<secret>") : message;
}
