/**
 * The CONNECT exchange against scripted TCP peers on loopback, for the
 * answers a real proxy gives only when misconfigured or broken (the
 * integration test meets a real tinyproxy): what the request looks like on
 * the wire, a head split over packets, bytes after the head, silence,
 * hang-ups and garbage. Also the proxy settings: URL, environment, NO_PROXY.
 */
import { afterEach, describe, expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { type Server, type Socket, createServer } from "node:net";
import { parseHubUrl } from "./hub-endpoint.ts";
import { chooseProxy, noProxyMatches, parseProxyUrl } from "./proxy-config.ts";
import { openProxyTunnel } from "./proxy-tunnel.ts";

const servers: Server[] = [];
afterEach(() => servers.splice(0).forEach((s) => s.close()));

/** A TCP peer that hands each connection and the text received so far to `script`. */
async function peer(script: (socket: Socket, received: () => string) => void): Promise<number> {
  const server = createServer((socket) => {
    let text = "";
    socket.on("data", (d) => (text += d.toString("latin1")));
    socket.on("error", () => {});
    script(socket, () => text);
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  return (server.address() as { port: number }).port;
}

async function failure(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(ConnectError);
    return e as ConnectError;
  }
  throw new Error("expected a failure");
}

const afterHead = (received: () => string, then: () => void) => {
  const t = setInterval(() => received().includes("\r\n\r\n") && (clearInterval(t), then()), 5);
};

describe("openProxyTunnel", () => {
  test("sends CONNECT with Host and Basic auth, reads a head split over packets, keeps the bytes after it", async () => {
    let request = "";
    const port = await peer((s, received) =>
      afterHead(received, () => {
        request = received();
        s.write("HTTP/1.1 200 Conn");
        setTimeout(() => s.write("ection established\r\nVia: test\r\n\r\nHELLO"), 20);
        s.on("data", (d) => s.write(`echo:${d}`));
      }),
    );
    const socket = await openProxyTunnel(parseProxyUrl(`http://us%40er:p%3Ass@127.0.0.1:${port}`), "hub.test:8443", 2000);
    expect(request).toBe(`CONNECT hub.test:8443 HTTP/1.1\r\nHost: hub.test:8443\r\nProxy-Authorization: Basic ${Buffer.from("us@er:p:ss").toString("base64")}\r\n\r\n`);
    socket.resume();
    socket.write("ping");
    let got = "";
    await new Promise<void>((r) => socket.on("data", (d) => (got += d) && got.includes("echo:ping") && r()));
    expect(got).toBe("HELLOecho:ping");
    socket.destroy();
  });

  test("without a user there is no Proxy-Authorization; a 407 then asks for one", async () => {
    let request = "";
    const port = await peer((s, received) =>
      afterHead(received, () => {
        request = received();
        s.end("HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm=x\r\n\r\n");
      }),
    );
    const err = await failure(openProxyTunnel(parseProxyUrl(`http://127.0.0.1:${port}`), "[::1]:443", 2000));
    expect(request).not.toContain("Proxy-Authorization");
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe(
      `the proxy http://127.0.0.1:${port} refused the tunnel to [::1]:443: 407 Proxy Authentication Required (the proxy wants a user and password: http://user:password@host:port)`,
    );
  });

  test("a reason phrase quoting our password is scrubbed", async () => {
    const port = await peer((s, received) => afterHead(received, () => s.end("HTTP/1.1 502 bad upstream for hunter2-secret\r\n\r\n")));
    const err = await failure(openProxyTunnel(parseProxyUrl(`http://me:hunter2-secret@127.0.0.1:${port}`), "h:1", 2000));
    expect(err.rawMessage).toBe(`the proxy http://127.0.0.1:${port} refused the tunnel to h:1: 502 bad upstream for <secret>`);
  });

  test("silence, hang-up, garbage and nobody listening are each named", async () => {
    const silent = await peer(() => {});
    const t0 = Date.now();
    expect((await failure(openProxyTunnel(parseProxyUrl(`http://127.0.0.1:${silent}`), "h:1", 200))).rawMessage).toBe(
      `the proxy http://127.0.0.1:${silent} did not open a tunnel to h:1 within 200 ms`,
    );
    expect(Date.now() - t0).toBeLessThan(2000);
    const hangUp = await peer((s, received) => afterHead(received, () => s.destroy()));
    expect((await failure(openProxyTunnel(parseProxyUrl(`http://127.0.0.1:${hangUp}`), "h:1", 2000))).rawMessage).toBe(
      `the proxy http://127.0.0.1:${hangUp} closed the connection before answering CONNECT h:1`,
    );
    const garbage = await peer((s, received) => afterHead(received, () => s.write("SSH-2.0-OpenSSH\r\n\r\n")));
    expect((await failure(openProxyTunnel(parseProxyUrl(`http://127.0.0.1:${garbage}`), "h:1", 2000))).rawMessage).toContain("something that is not HTTP");
    const closed = await peer(() => {});
    servers.pop()!.close();
    await Bun.sleep(20);
    expect((await failure(openProxyTunnel(parseProxyUrl(`http://a:b@127.0.0.1:${closed}`), "h:1", 2000))).rawMessage).toBe(
      `cannot reach the proxy http://127.0.0.1:${closed}: ECONNREFUSED; check --proxy (or \$HTTPS_PROXY) and that the proxy runs`,
    );
  });
});

describe("proxy settings", () => {
  test("proxy URLs: default port, credentials kept out of the label, only http://", () => {
    const p = parseProxyUrl("http://bob:s3cret@proxy.site:3128");
    expect(p).toEqual({ host: "proxy.site", port: 3128, label: "http://proxy.site:3128", password: "s3cret", authorization: `Basic ${btoa("bob:s3cret")}` });
    expect(parseProxyUrl("proxy.site")).toEqual({ host: "proxy.site", port: 80, label: "http://proxy.site" });
    expect(parseProxyUrl("http://[::1]:8080").host).toBe("::1");
    expect(() => parseProxyUrl("https://bob:s3cret@proxy.site")).toThrow("the proxy https://proxy.site must be an http:// proxy");
    let message = "";
    try {
      parseProxyUrl("http://bob:s3cret@proxy site:1");
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain("not valid");
    expect(message).not.toContain("s3cret");
  });

  test("the environment's proxy, unless NO_PROXY names the hub; a given proxy wins", () => {
    const hub = parseHubUrl("https://hub.example.com:8443");
    expect(chooseProxy(hub, undefined, {})).toBeUndefined();
    expect(chooseProxy(hub, undefined, { HTTPS_PROXY: "http://p:1" })?.label).toBe("http://p:1");
    expect(chooseProxy(hub, undefined, { https_proxy: "http://q:2" })?.label).toBe("http://q:2");
    expect(chooseProxy(hub, undefined, { HTTPS_PROXY: "http://p:1", NO_PROXY: "example.com" })).toBeUndefined();
    expect(chooseProxy(hub, undefined, { HTTPS_PROXY: "http://p:1", no_proxy: ".example.com" })).toBeUndefined();
    expect(chooseProxy(hub, { url: "http://given:3" }, { HTTPS_PROXY: "http://p:1", NO_PROXY: "*" })?.label).toBe("http://given:3");
  });

  test("NO_PROXY matching as curl does it", () => {
    expect(noProxyMatches("*", "anything", 1)).toBe(true);
    expect(noProxyMatches("example.com", "hub.example.com", 443)).toBe(true);
    expect(noProxyMatches("example.com", "badexample.com", 443)).toBe(false);
    expect(noProxyMatches("*.example.com", "example.com", 443)).toBe(true);
    expect(noProxyMatches("hub.example.com:8443", "hub.example.com", 8443)).toBe(true);
    expect(noProxyMatches("hub.example.com:8443", "hub.example.com", 443)).toBe(false);
    expect(noProxyMatches("10.0.0.1, ::1", "::1", 443)).toBe(true);
    expect(noProxyMatches("[::1]:443", "::1", 443)).toBe(true);
    expect(noProxyMatches("10.0.0.1", "10.0.0.10", 443)).toBe(false);
    expect(noProxyMatches("", "hub", 443)).toBe(false);
  });
});
