/**
 * Our WebSocket client (handshake and stream) against Bun's own WebSocket
 * server on loopback, an independent implementation that refuses unmasked
 * or malformed client frames; and against a raw TCP peer that answers the
 * upgrade however a test wants and then sends hostile frames.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { type Server as NetServer, type Socket, connect, createServer } from "node:net";
import type { Duplex } from "node:stream";
import { OPCODE, closePayload, encodeFrame } from "./ws-frames.ts";
import { acceptFor, webSocketHandshake } from "./ws-handshake.ts";
import { createWebSocketStream } from "./ws-stream.ts";

type WsData = { id: number };
const pongs: string[] = [];
const closes: { code: number; reason: string }[] = [];
const received: number[] = [];
let server: ReturnType<typeof Bun.serve<WsData, never>>;

beforeAll(() => {
  server = Bun.serve<WsData, never>({
    hostname: "127.0.0.1",
    port: 0,
    fetch(req, srv) {
      if (new URL(req.url).pathname !== "/mqtt") return new Response("no such path", { status: 404 });
      const asked = req.headers.get("sec-websocket-protocol") ?? "";
      if (srv.upgrade(req, { data: { id: 1 }, headers: asked === "mqtt" ? { "Sec-WebSocket-Protocol": "mqtt" } : {} })) return undefined;
      return new Response("not an upgrade", { status: 400 });
    },
    websocket: {
      maxPayloadLength: 1024 * 1024,
      message(ws, msg) {
        const bytes = typeof msg === "string" ? Buffer.from(msg) : Buffer.from(msg);
        received.push(bytes.length);
        const text = bytes.subarray(0, 40).toString("latin1");
        if (text === "cmd:ping") ws.ping("are you there");
        else if (text === "cmd:close-normal") ws.close(1000, "done");
        else if (text === "cmd:close-odd") ws.close(4001, "go away\u0007");
        else if (text.startsWith("cmd:big:")) ws.send(Buffer.alloc(Number(text.slice(8)), 1));
        else ws.send(bytes);
      },
      pong(_ws, data) {
        pongs.push(Buffer.from(data).toString());
      },
      close(_ws, code, reason) {
        closes.push({ code, reason });
      },
    },
  });
});

afterAll(() => server.stop(true));

function tcp(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const s = connect({ host: "127.0.0.1", port });
    s.once("connect", () => resolve(s));
    s.once("error", reject);
  });
}

async function open(port: number, path = "/mqtt", maxMessageBytes?: number): Promise<{ socket: Socket; stream: Duplex }> {
  const socket = await tcp(port);
  const head = await webSocketHandshake(socket, { host: `127.0.0.1:${port}`, path, protocol: "mqtt", timeoutMs: 2_000 }).catch((e) => {
    socket.destroy();
    throw e;
  });
  return { socket, stream: createWebSocketStream(socket, { head, maxMessageBytes }) };
}

/** Resolves to the first `n` bytes the stream gives, or fails after `ms`. */
function readBytes(stream: Duplex, n: number, ms = 3_000): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    let got = Buffer.alloc(0);
    const timer = setTimeout(() => reject(new Error(`only ${got.length} of ${n} bytes within ${ms} ms`)), ms);
    const onData = (d: Buffer) => {
      got = Buffer.concat([got, d]);
      if (got.length < n) return;
      clearTimeout(timer);
      stream.off("data", onData);
      resolve(got);
    };
    stream.on("data", onData);
  });
}

/** How the stream ended: "clean" or the error's message. */
function ending(stream: Duplex, ms = 3_000): Promise<string> {
  return new Promise((resolve) => {
    const timer = setTimeout(() => resolve("still open"), ms);
    stream.on("data", () => {});
    stream.once("error", (e) => {
      clearTimeout(timer);
      resolve(e.message);
    });
    stream.once("close", () => {
      clearTimeout(timer);
      setImmediate(() => resolve("clean"));
    });
  });
}

async function waitFor(check: () => boolean, ms: number, what: string) {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await Bun.sleep(10);
  }
}

describe("WebSocket client against Bun's server", () => {
  test("bytes written come back in order, small, 16-bit and 64-bit lengths", async () => {
    const { stream } = await open(server.port!, "/mqtt", 128 * 1024);
    try {
      const parts = [Buffer.from("hello"), Buffer.alloc(10_000, 2), Buffer.alloc(70_000, 3)];
      for (const p of parts) stream.write(p);
      const back = await readBytes(stream, 80_005);
      expect(back.equals(Buffer.concat(parts))).toBe(true);
    } finally {
      stream.destroy();
    }
  });

  test("a ping is answered with a pong carrying its payload", async () => {
    const { stream } = await open(server.port!);
    try {
      stream.write(Buffer.from("cmd:ping"));
      await waitFor(() => pongs.includes("are you there"), 3_000, "the pong");
      // Still usable afterwards.
      stream.write(Buffer.from("after"));
      expect((await readBytes(stream, 5)).toString()).toBe("after");
    } finally {
      stream.destroy();
    }
  });

  test("a normal close from the server ends the stream cleanly", async () => {
    const { stream } = await open(server.port!);
    const end = ending(stream);
    stream.write(Buffer.from("cmd:close-normal"));
    expect(await end).toBe("clean");
  });

  test("an unusual close from the server is an error naming its code and cleaned reason", async () => {
    const { stream } = await open(server.port!);
    const end = ending(stream);
    stream.write(Buffer.from("cmd:close-odd"));
    expect(await end).toBe("the broker closed the WebSocket: 4001 go away");
  });

  test("ending our side sends a close 1000 that the server sees", async () => {
    const before = closes.length;
    const { stream } = await open(server.port!);
    const end = ending(stream);
    stream.end();
    expect(await end).toBe("clean");
    await waitFor(() => closes.length > before, 3_000, "the server's close");
    expect(closes.at(-1)!.code).toBe(1000);
  });

  test("a message over the limit ends the stream with a clear error", async () => {
    const { stream } = await open(server.port!);
    const end = ending(stream);
    stream.write(Buffer.from(`cmd:big:${64 * 1024 + 1}`));
    expect(await end).toContain("a frame of 65537 bytes (at most 65536 taken)");
  });

  test("a wrong path is refused with the server's status", async () => {
    await expect(open(server.port!, "/elsewhere")).rejects.toThrow("the WebSocket upgrade was refused: 404");
  });
});

/** A raw peer: answers the upgrade with `answer(key)`, then sends `frames`, and notes what it got. */
async function rawPeer(answer: (key: string) => string, frames: Buffer = Buffer.alloc(0)) {
  const got: Buffer[] = [];
  let closed = false;
  const srv: NetServer = createServer((s) => {
    let head = "";
    s.on("data", (d: Buffer) => {
      if (head.includes("\r\n\r\n")) return got.push(d);
      head += d.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? "";
      s.write(answer(key));
      if (frames.length) s.write(frames);
    });
    s.on("close", () => (closed = true));
    s.on("error", () => {});
  });
  await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
  const port = (srv.address() as { port: number }).port;
  return { port, got, isClosed: () => closed, close: () => new Promise<void>((r) => srv.close(() => r())) };
}

const ok = (key: string, extra = "") =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${acceptFor(key)}\r\n${extra}\r\n`;
const unmasked = (opcode: number, payload: string | Buffer) => encodeFrame(opcode, Buffer.from(payload), null);

describe("WebSocket client against a hostile peer", () => {
  test.each([
    ["a 200 instead of 101", () => "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "refused: 200 OK"],
    ["a wrong Sec-WebSocket-Accept", () => ok("not-our-key"), "Sec-WebSocket-Accept"],
    ["no Upgrade header", (k: string) => ok(k).replace("Upgrade: websocket\r\n", ""), "Upgrade header"],
    ["another subprotocol", (k: string) => ok(k, "Sec-WebSocket-Protocol: mqttv5\r\n"), 'chose the WebSocket subprotocol "mqttv5"'],
    ["an extension not asked for", (k: string) => ok(k, "Sec-WebSocket-Extensions: permessage-deflate\r\n"), "extension"],
    ["an endless head", () => `HTTP/1.1 101 Switching\r\nX-Pad: ${"a".repeat(20_000)}`, "too long"],
    ["not HTTP", () => "SSH-2.0-OpenSSH\r\n\r\n", "not HTTP/1.1"],
  ])("refuses the upgrade answer with %s", async (_what, answer, why) => {
    const peer = await rawPeer(answer);
    try {
      await expect(open(peer.port)).rejects.toThrow(why);
    } finally {
      await peer.close();
    }
  });

  test("a close before answering the upgrade", async () => {
    const srv = createServer((s) => s.destroy());
    await new Promise<void>((r) => srv.listen(0, "127.0.0.1", () => r()));
    try {
      // Closed or reset, depending on whether our request was still being written.
      await expect(open((srv.address() as { port: number }).port)).rejects.toThrow(/(closed|failed) during the WebSocket upgrade/);
    } finally {
      srv.close();
    }
  });

  test("silence after the upgrade request times out", async () => {
    const peer = await rawPeer(() => "");
    try {
      await expect(open(peer.port)).rejects.toThrow("no answer to the WebSocket upgrade within 2000 ms");
    } finally {
      await peer.close();
    }
  });

  test("frames sent with the 101 in one packet, fragments and a ping between them are read", async () => {
    const first = unmasked(OPCODE.binary, "ab");
    first[0] = 0x02; // FIN clear
    const last = unmasked(OPCODE.continuation, "cd");
    const peer = await rawPeer((k) => ok(k), Buffer.concat([first, unmasked(OPCODE.ping, "p"), last]));
    const { stream } = await open(peer.port);
    try {
      expect((await readBytes(stream, 4)).toString()).toBe("abcd");
      // The pong, masked as a client's must be: 0x8a, then mask bit and length 1.
      await waitFor(() => Buffer.concat(peer.got).length >= 7, 2_000, "the pong");
      const pong = Buffer.concat(peer.got);
      expect(pong[0]).toBe(0x8a);
      expect(pong[1]).toBe(0x81);
      expect(pong[6]! ^ pong[2]!).toBe("p".charCodeAt(0));
    } finally {
      stream.destroy();
      await peer.close();
    }
  });

  test.each([
    ["a masked frame", Buffer.from([0x82, 0x81, 1, 2, 3, 4, 0x41]), "must not mask"],
    ["a text frame", unmasked(OPCODE.text, "{}"), "text frame"],
    ["an unknown opcode", Buffer.from([0x85, 0x00]), "unknown opcode 0x5"],
    ["a reserved bit", Buffer.from([0xc2, 0x01, 0x41]), "reserved bits"],
    ["a stray continuation", Buffer.from([0x80, 0x01, 0x41]), "continuation frame without a message"],
    ["a huge declared length", Buffer.from([0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]), "at most 65536 taken"],
    ["a close with code 1006", unmasked(OPCODE.close, closePayload(1006)), "status code 1006"],
    ["a fragmented close", Buffer.from([0x08, 0x00]), "control frame"],
  ])("ends the connection on %s with a clear error", async (_what, frames, why) => {
    const peer = await rawPeer((k) => ok(k), frames);
    const { stream } = await open(peer.port);
    try {
      const end = await ending(stream);
      expect(end).toContain("the broker sent a malformed WebSocket frame");
      expect(end).toContain(why);
      await waitFor(peer.isClosed, 2_000, "the connection to close");
      // What we said before hanging up: a close 1002 (protocol error), masked.
      const said = Buffer.concat(peer.got);
      expect(said[0]).toBe(0x88);
      expect(((said[6]! ^ said[2]!) << 8) | (said[7]! ^ said[3]!)).toBe(1002);
    } finally {
      stream.destroy();
      await peer.close();
    }
  });

  test("a connection cut without a close frame is an error, not a clean end", async () => {
    const peer = await rawPeer((k) => ok(k));
    const { socket, stream } = await open(peer.port);
    const end = ending(stream);
    socket.destroy();
    expect(await end).toContain("closed without a WebSocket close");
    await peer.close();
  });
});
