/**
 * The agent's hub transport against real peers on loopback: a Connect
 * server over HTTP/2 + TLS with certificates from ensureHubTls (the hub's
 * own CA), reached directly and through a real tinyproxy (or squid), with
 * and without Basic auth. The server echoes the authorization header it
 * received, so the test sees what actually crossed the wire.
 */
import { afterAll, afterEach, beforeAll, describe, expect, test } from "bun:test";
import { create } from "@bufbuild/protobuf";
import { Code, ConnectError, type ConnectRouter, createClient } from "@connectrpc/connect";
import { connectNodeAdapter } from "@connectrpc/connect-node";
import { mkdtempSync, rmSync } from "node:fs";
import * as http2 from "node:http2";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createHubTransport, fetchHubCa, type HubTransportOptions } from "../../src/agent/transport/index.ts";
import { AgentService, PollRequestSchema, PollResponseSchema, TaskSchema } from "../../src/gen/dca/v1/agent_service_pb.ts";
import { type HubTls, ensureHubTls } from "../../src/hub/tls/index.ts";
import { type ProxyPeer, proxyPeerSkipReason, startProxyPeer } from "../support/proxy-peer.ts";

interface TestHub {
  port: number;
  /** Authorization headers received, in order ("" when none came). */
  seen: string[];
  /** TLS sessions accepted so far. */
  sessions(): number;
  /** Closes every open session from the server side, as a restarting hub would. */
  dropSessions(): void;
  close(): Promise<void>;
}

async function startTestHub(tls: { key: string; cert: string }, host = "127.0.0.1"): Promise<TestHub> {
  const seen: string[] = [];
  const open = new Set<http2.ServerHttp2Session>();
  let sessions = 0;
  const routes = (router: ConnectRouter) =>
    router.service(AgentService, {
      poll(req, ctx) {
        const auth = ctx.requestHeader.get("authorization") ?? "";
        seen.push(auth);
        // The header comes back as a task id, and the request's hostname as a second one.
        return create(PollResponseSchema, {
          nextPollSeconds: 7,
          tasks: [create(TaskSchema, { id: auth }), create(TaskSchema, { id: req.hostname })],
        });
      },
    });
  const server = http2.createSecureServer({ key: tls.key, cert: tls.cert, minVersion: "TLSv1.2" }, connectNodeAdapter({ routes, readMaxBytes: 1 << 20 }));
  server.on("session", (s: http2.ServerHttp2Session) => {
    sessions++;
    open.add(s);
    s.on("close", () => open.delete(s));
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(0, host, () => resolve());
  });
  return {
    port: (server.address() as { port: number }).port,
    seen,
    sessions: () => sessions,
    dropSessions: () => open.forEach((s) => s.destroy()),
    close: async () => {
      open.forEach((s) => s.destroy());
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const dirs: string[] = [];
const closers: (() => unknown)[] = [];
let hubTls: HubTls;
let hub: TestHub;

beforeAll(async () => {
  const dir = mkdtempSync(join(tmpdir(), "dca-transport-"));
  dirs.push(dir);
  hubTls = ensureHubTls(dir, { hostnames: ["localhost", "127.0.0.1", "::1"] });
  hub = await startTestHub(hubTls);
});
afterEach(async () => {
  for (const c of closers.splice(0).reverse()) await c();
});
afterAll(async () => {
  await hub.close();
  dirs.forEach((d) => rmSync(d, { recursive: true, force: true }));
});

/** A client on a fresh transport (closed after the test); `host` picks how the hub is named in its URL. */
function client(opts: Partial<HubTransportOptions> & { host?: string }) {
  const { host = "127.0.0.1", ...rest } = opts;
  const t = createHubTransport({ hubUrl: `https://${host}:${hub.port}`, env: {}, timeoutMs: 10_000, ...rest });
  closers.push(() => t.close());
  return createClient(AgentService, t.transport);
}

async function poll(c: ReturnType<typeof client>, hostname = "agent-1"): Promise<string[]> {
  const res = await c.poll(create(PollRequestSchema, { hostname }));
  expect(res.nextPollSeconds).toBe(7);
  return res.tasks.map((t) => t.id);
}

/** The ConnectError a promise fails with. */
async function failure(p: Promise<unknown>): Promise<ConnectError> {
  try {
    await p;
  } catch (e) {
    return ConnectError.from(e);
  }
  throw new Error("expected the call to fail");
}

async function proxy(opts: Parameters<typeof startProxyPeer>[0]): Promise<ProxyPeer> {
  const p = await startProxyPeer(opts);
  closers.push(() => p.close());
  return p;
}

describe("hub transport, direct", () => {
  test("trusting the hub's CA: calls work, the bearer arrives on every call, one TLS session serves them", async () => {
    let n = 0;
    const before = hub.sessions();
    const c = client({ caPem: hubTls.caPem, bearer: () => `Bearer agent-7.secret-${++n}` });
    expect(await poll(c, "pc-1")).toEqual(["Bearer agent-7.secret-1", "pc-1"]);
    expect(await poll(c, "pc-2")).toEqual(["Bearer agent-7.secret-2", "pc-2"]);
    expect(hub.seen.slice(-2)).toEqual(["Bearer agent-7.secret-1", "Bearer agent-7.secret-2"]);
    expect(hub.sessions() - before).toBe(1);
  });

  test("no bearer, no header; the host can be a name or an IPv4 address", async () => {
    expect((await poll(client({ caPem: hubTls.caPem, host: "localhost" })))[0]).toBe("");
    expect((await poll(client({ caPem: hubTls.caPem, bearer: () => undefined })))[0]).toBe("");
  });

  test("pinned by the CA fingerprint (no CA file) works; a wrong pin is refused", async () => {
    expect(await poll(client({ caFingerprint: hubTls.caFingerprint, host: "localhost" }))).toEqual(["", "agent-1"]);
    expect(await poll(client({ caFingerprint: hubTls.caFingerprint!.toUpperCase(), caPem: hubTls.caPem }))).toEqual(["", "agent-1"]);
    const wrong = `sha256:${"ab".repeat(32)}`;
    const err = await failure(poll(client({ caFingerprint: wrong })));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toContain(`is not the pinned hub: the hub's certificate chain does not lead to the pinned CA ${wrong}`);
  });

  test("without the hub's CA (system roots only) the hub is refused", async () => {
    const err = await failure(poll(client({})));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toMatch(/TLS with the hub https:\/\/127\.0\.0\.1:\d+ failed: .*(certificate|verify)/i);
  });

  test("a hub presenting the pinned CA behind a certificate that CA did not sign is refused", async () => {
    const dir = mkdtempSync(join(tmpdir(), "dca-transport-mitm-"));
    dirs.push(dir);
    const mitm = ensureHubTls(dir, { hostnames: ["127.0.0.1", "localhost"] });
    const leaf = mitm.cert.slice(0, mitm.cert.indexOf("-----END CERTIFICATE-----") + 26);
    const fake = await startTestHub({ key: mitm.key, cert: leaf + hubTls.caPem });
    closers.push(() => fake.close());
    const t = createHubTransport({ hubUrl: `https://127.0.0.1:${fake.port}`, caFingerprint: hubTls.caFingerprint, env: {} });
    closers.push(() => t.close());
    const err = await failure(createClient(AgentService, t.transport).poll({}));
    expect(err.rawMessage).toContain("does not lead to the pinned CA");
    expect(fake.seen).toEqual([]);
  });

  test("after the hub drops the connection the next call reconnects; after close() calls fail", async () => {
    const t = createHubTransport({ hubUrl: `https://127.0.0.1:${hub.port}`, caPem: hubTls.caPem, env: {} });
    const c = createClient(AgentService, t.transport);
    const before = hub.sessions();
    await c.poll({});
    hub.dropSessions();
    await Bun.sleep(50);
    await c.poll({});
    expect(hub.sessions() - before).toBe(2);
    t.close();
    expect((await failure(c.poll({}))).code).toBe(Code.Canceled);
  });

  test("http:// and bad pins are refused when the transport is made", () => {
    expect(() => createHubTransport({ hubUrl: `http://127.0.0.1:${hub.port}` })).toThrow("the hub URL must use https://");
    expect(() => createHubTransport({ hubUrl: "https://127.0.0.1:1", caFingerprint: "sha256:1234" })).toThrow("64 hex digits");
    expect(() => createHubTransport({ hubUrl: "https://u:p@127.0.0.1:1" })).toThrow("must not carry a user or password");
  });

  test("fetchHubCa returns the hub's CA; with the operator's pin it checks the chain", async () => {
    const url = `https://localhost:${hub.port}`;
    const got = await fetchHubCa(url, { env: {} });
    expect(got).toEqual({ pem: hubTls.caPem!, fingerprint: hubTls.caFingerprint! });
    expect(await fetchHubCa(url, { env: {}, expectFingerprint: hubTls.caFingerprint })).toEqual(got);
    const err = await failure(fetchHubCa(url, { env: {}, expectFingerprint: `sha256:${"0".repeat(64)}` }));
    expect(err.rawMessage).toContain("does not present the CA");
  });

  test("an IPv6 hub URL", async () => {
    let v6: TestHub;
    try {
      v6 = await startTestHub(hubTls, "::1");
    } catch (e) {
      console.warn(`skipping the IPv6 case: cannot listen on ::1 (${(e as NodeJS.ErrnoException).code})`);
      return;
    }
    closers.push(() => v6.close());
    const t = createHubTransport({ hubUrl: `https://[::1]:${v6.port}`, caFingerprint: hubTls.caFingerprint, bearer: () => "Bearer six", env: {} });
    closers.push(() => t.close());
    expect((await createClient(AgentService, t.transport).poll({})).tasks[0].id).toBe("Bearer six");
    expect(v6.seen).toEqual(["Bearer six"]);
  });

  test("a hub that is not there is a clear Unavailable", async () => {
    const err = await failure(poll(client({ caPem: hubTls.caPem, hubUrl: "https://127.0.0.1:1" })));
    expect(err.code).toBe(Code.Unavailable);
    expect(err.rawMessage).toBe('cannot reach the hub https://127.0.0.1:1: ECONNREFUSED (nothing listens there); check the URL and that "dca-hub serve" runs there');
  });
});

const skip = proxyPeerSkipReason();
if (skip) console.warn(`skipping the proxy tests: ${skip}`);

describe.skipIf(!!skip)("hub transport through an HTTP CONNECT proxy", () => {
  test("through the proxy: the call works and the proxy logged the CONNECT", async () => {
    const p = await proxy({ connectPorts: [hub.port] });
    const t = createHubTransport({ hubUrl: `https://localhost:${hub.port}`, caPem: hubTls.caPem, proxy: { url: p.url }, bearer: () => "Bearer a.b", env: {} });
    expect(await poll(createClient(AgentService, t.transport))).toEqual(["Bearer a.b", "agent-1"]);
    t.close();
    expect(await p.waitForLog(`CONNECT localhost:${hub.port}`)).toContain(`CONNECT localhost:${hub.port}`);
  });

  test("a pinned hub through the proxy, the proxy taken from HTTPS_PROXY, and NO_PROXY going around it", async () => {
    const p = await proxy({ connectPorts: [hub.port] });
    const viaEnv = createHubTransport({ hubUrl: `https://127.0.0.1:${hub.port}`, caFingerprint: hubTls.caFingerprint, env: { HTTPS_PROXY: p.url } });
    expect(await poll(createClient(AgentService, viaEnv.transport))).toEqual(["", "agent-1"]);
    viaEnv.close();
    const connect = `CONNECT 127.0.0.1:${hub.port}`;
    expect(await p.waitForLog(connect)).toContain(connect);
    const bypass = createHubTransport({ hubUrl: `https://127.0.0.1:${hub.port}`, caPem: hubTls.caPem, env: { https_proxy: p.url, NO_PROXY: "localhost,127.0.0.1" } });
    expect(await poll(createClient(AgentService, bypass.transport))).toEqual(["", "agent-1"]);
    bypass.close();
    await Bun.sleep(200);
    expect(p.log().split(connect).length).toBe(2);
  });

  test("Basic auth: the right password gets through, a wrong one fails naming the proxy and never the password", async () => {
    const p = await proxy({ connectPorts: [hub.port], basicAuth: { user: "agent", password: "Pr0xy-s3cret" } });
    expect(await poll(client({ caPem: hubTls.caPem, proxy: { url: p.urlWith("agent", "Pr0xy-s3cret") } }))).toEqual(["", "agent-1"]);
    const wrong = await failure(poll(client({ caPem: hubTls.caPem, proxy: { url: p.urlWith("agent", "wrong-Pa55") } })));
    expect(wrong.code).toBe(Code.Unavailable);
    // 407 by the book; tinyproxy 1.11 answers 401.
    expect(wrong.rawMessage).toMatch(new RegExp(`^the proxy ${p.url} refused the tunnel to 127\\.0\\.0\\.1:${hub.port}: 40[17] `));
    expect(wrong.rawMessage).toContain("did not accept the user and password");
    expect(`${wrong.message} ${String(wrong.cause)} ${JSON.stringify(wrong)}`).not.toContain("wrong-Pa55");
    const none = await failure(poll(client({ caPem: hubTls.caPem, proxy: { url: p.url } })));
    expect(none.rawMessage).toMatch(/: 40[17] /);
    expect(none.rawMessage).toContain("the proxy wants a user and password");
  });

  test("a proxy that forbids the port answers 403, which names the proxy", async () => {
    const p = await proxy({ connectPorts: [hub.port + 1 > 65535 ? 1 : hub.port + 1] });
    const err = await failure(poll(client({ caPem: hubTls.caPem, proxy: { url: p.urlWith("u", "pw-not-shown") } })));
    expect(err.rawMessage).toContain(`the proxy ${p.url} refused the tunnel to 127.0.0.1:${hub.port}: 403`);
    expect(err.rawMessage).not.toContain("pw-not-shown");
  });

  test("fetchHubCa through the proxy", async () => {
    const p = await proxy({ connectPorts: [hub.port] });
    const got = await fetchHubCa(`https://localhost:${hub.port}`, { proxy: { url: p.url }, env: {}, expectFingerprint: hubTls.caFingerprint });
    expect(got.fingerprint).toBe(hubTls.caFingerprint!);
    expect(await p.waitForLog(`CONNECT localhost:${hub.port}`)).toContain(`CONNECT localhost:${hub.port}`);
  });
});
