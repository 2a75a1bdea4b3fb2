import { afterEach, expect, test } from "bun:test";
import net from "node:net";
import { etxCount, zebraRaw } from "./zebra-raw.ts";
import { ZebraError } from "./zebra-error.ts";

// A tiny loopback peer whose behaviour each test sets: how to answer what it receives.
let server: net.Server | undefined;
afterEach(() => new Promise<void>((r) => (server ? server.close(() => r()) : r())));

async function peer(onData: (socket: net.Socket, data: Buffer) => void): Promise<number> {
  server = net.createServer((s) => s.on("data", (d: Buffer) => onData(s, d)).on("error", () => {}));
  await new Promise<void>((r) => server!.listen(0, "127.0.0.1", () => r()));
  return (server.address() as net.AddressInfo).port;
}

test("a reply in pieces ends at its ETX count, not at the first chunk", async () => {
  const port = await peer((s) => {
    s.write("\x02a\x03");
    setTimeout(() => s.write("\x02b\x03"), 30);
  });
  const reply = await zebraRaw("127.0.0.1", port, "~HS", { complete: etxCount(2), timeoutMs: 2000 });
  expect(Buffer.from(reply).toString()).toBe("\x02a\x03\x02b\x03");
});

test("without a completeness test the reply ends after a quiet spell", async () => {
  const port = await peer((s) => s.write("hello"));
  const started = Date.now();
  const reply = await zebraRaw("127.0.0.1", port, "x", { quietMs: 100, timeoutMs: 3000 });
  expect(Buffer.from(reply).toString()).toBe("hello");
  expect(Date.now() - started).toBeLessThan(1500);
});

test("a peer that streams forever hits the size bound", async () => {
  const port = await peer((s) => {
    const chunk = Buffer.alloc(8192, 0x41);
    const pump = () => s.writable && s.write(chunk) && setImmediate(pump);
    pump();
  });
  const e = await zebraRaw("127.0.0.1", port, "~HQOD", { maxReplyBytes: 10_000, complete: etxCount(1), timeoutMs: 3000 }).catch((x) => x);
  expect(e).toBeInstanceOf(ZebraError);
  expect(e.code).toBe("resource-exhausted");
});

test("a peer that closes mid-reply is malformed, one that never answers a timeout", async () => {
  const closing = await peer((s) => s.end("\x02half"));
  const e1 = await zebraRaw("127.0.0.1", closing, "~HS", { complete: etxCount(3), timeoutMs: 2000 }).catch((x) => x);
  expect(e1.code).toBe("malformed");
  await new Promise<void>((r) => server!.close(() => r()));
  const mute = await peer(() => {});
  const e2 = await zebraRaw("127.0.0.1", mute, "~HS", { complete: etxCount(3), timeoutMs: 200 }).catch((x) => x);
  expect(e2.code).toBe("deadline-exceeded");
  expect(e2.message).toContain("no reply within 200 ms");
});
