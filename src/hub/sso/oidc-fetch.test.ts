/**
 * The OIDC client's fetch against small servers on loopback that misbehave:
 * a flood of a body, an answer that never comes, and a discovery document
 * that sends the hub to plain http elsewhere.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import type { Server } from "bun";
import { DcaError } from "../../common/errors.ts";
import { createOidcFetch } from "./oidc-fetch.ts";

let server: Server<undefined>;
let base: string;

beforeAll(() => {
  server = Bun.serve({
    hostname: "127.0.0.1",
    port: 0,
    async fetch(req) {
      const path = new URL(req.url).pathname;
      if (path === "/flood") return new Response(new Uint8Array(2 << 20).fill(0x61));
      if (path === "/slow") return new Promise(() => {});
      if (path === "/echo") return Response.json({ method: req.method, body: await req.text(), auth: req.headers.get("authorization") });
      return new Response(null, { status: 204 });
    },
  });
  base = `http://127.0.0.1:${server.port}`;
});

afterAll(() => {
  server.stop(true);
});

async function failure(run: Promise<unknown>): Promise<DcaError> {
  const e = await run.then(
    () => undefined,
    (x: unknown) => x,
  );
  expect(e).toBeDefined();
  return DcaError.from(e);
}

const init = (extra: { method?: string; body?: string; headers?: Record<string, string> } = {}) => ({
  method: extra.method ?? "GET",
  headers: extra.headers ?? {},
  body: extra.body,
  redirect: "manual" as const,
});

describe("createOidcFetch", () => {
  test("passes method, headers and body through, and the answer back", async () => {
    const f = createOidcFetch(undefined);
    const r = await f(`${base}/echo`, init({ method: "POST", body: "grant_type=authorization_code", headers: { authorization: "Basic eA==" } }));
    expect(await r.json()).toEqual({ method: "POST", body: "grant_type=authorization_code", auth: "Basic eA==" });
    expect((await f(`${base}/empty`, init())).status).toBe(204);
  });

  test("an answer over the size bound is cut off", async () => {
    const e = await failure(createOidcFetch(undefined, { maxBody: 1 << 20 })(`${base}/flood`, init()));
    expect(e.code).toBe("resource-exhausted");
    expect(e.message).toBe(`the OIDC issuer's answer from ${base}/flood is over 1048576 bytes; check the issuer URL`);
  });

  test("an answer that never comes ends at the time bound", async () => {
    const started = performance.now();
    const e = await failure(createOidcFetch(undefined, { timeoutMs: 200 })(`${base}/slow`, init()));
    expect(e.code).toBe("deadline-exceeded");
    expect(performance.now() - started).toBeLessThan(5000);
  });

  test("plain http is refused except to this machine", async () => {
    const e = await failure(createOidcFetch(undefined)("http://idp.example.com/token", init()));
    expect(e.code).toBe("invalid-config");
    expect(e.message).toContain("http://idp.example.com, which is not https");
  });
});
