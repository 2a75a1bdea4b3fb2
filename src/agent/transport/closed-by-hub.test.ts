import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import http2 from "node:http2";
import type { AddressInfo } from "node:net";
import { Code, ConnectError } from "@connectrpc/connect";
import { closedByHub } from "./create-hub-transport.ts";

/** A real HTTP/2 server that closes every connection with GOAWAY right after it opens, as a hub does when it stops. */
let server: http2.Http2Server;
let url = "";
beforeAll(async () => {
  server = http2.createServer();
  server.on("session", (s) => setTimeout(() => s.goaway(), 20));
  server.on("stream", (st: http2.ServerHttp2Stream) => st.respond({ ":status": 200 }, { endStream: true }));
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(() => server.close());

/** The error a request on a session the server has sent GOAWAY on ends with. */
async function goawayError(): Promise<unknown> {
  const c = http2.connect(url);
  c.on("error", () => {});
  await new Promise((r) => setTimeout(r, 100));
  try {
    const st = c.request({ ":path": "/" });
    return await new Promise((resolve) => {
      st.on("error", resolve);
      st.on("response", () => resolve(undefined));
    });
  } catch (e) {
    return e;
  } finally {
    c.destroy();
  }
}

describe("a call caught by the hub closing its connection", () => {
  test("is told as the hub being unavailable, not as an internal error in HTTP/2's words", async () => {
    const raw = await goawayError();
    expect(raw).toBeInstanceOf(Error);
    // As the gRPC transport hands it on: Internal, with the HTTP/2 error as its cause.
    const wrapped = new ConnectError((raw as Error).message, Code.Internal, undefined, undefined, raw);
    const call = closedByHub("https://hub.example:8443")(() => Promise.reject(wrapped));
    const err = await call({} as never).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ConnectError);
    expect((err as ConnectError).code).toBe(Code.Unavailable);
    expect((err as ConnectError).rawMessage).toBe("the hub https://hub.example:8443 closed the connection (restarting or stopping?); it is tried again");
  });

  test("other failures pass through unchanged", async () => {
    const refused = new ConnectError("the hub refuses this agent", Code.Unauthenticated);
    const err = await closedByHub("https://hub.example:8443")(() => Promise.reject(refused))({} as never).catch((e: unknown) => e);
    expect(err).toBe(refused);
  });
});
