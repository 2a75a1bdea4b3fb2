/**
 * The wake line's WebSocket (openWebSocket: the ws client on a TLS socket
 * we opened) against a raw TLS peer on loopback that answers the upgrade
 * however a test wants and then sends frames laid out by hand from RFC 6455
 * 5.2. Each hostile answer or frame must end in a clear error or a clean
 * close, quickly and without buffering what the peer declares.
 */
import { afterAll, beforeAll, describe, expect, test } from "bun:test";
import { createHash } from "node:crypto";
import { rmSync } from "node:fs";
import { dirname } from "node:path";
import type { Duplex } from "node:stream";
import { type TLSSocket, createServer } from "node:tls";
import { openHubSocket } from "../../src/agent/transport/index.ts";
import { connectBroker } from "../../src/agent/wake/connect-broker.ts";
import { brokerEndpoint } from "../../src/agent/wake/open-broker-stream.ts";
import { MAX_BROKER_MESSAGE_BYTES, openWebSocket } from "../../src/agent/wake/open-web-socket.ts";
import { parseBrokerUrl } from "../../src/common/broker-url.ts";
import { type HubTls, ensureHubTls } from "../../src/hub/tls/index.ts";
import { tempDataDir } from "../support/hub-store-fixtures.ts";
import { waitFor } from "./broker-fixture.ts";

let dataDir: string;
let tls: HubTls;
beforeAll(() => {
  dataDir = tempDataDir();
  tls = ensureHubTls(dataDir, { hostnames: ["127.0.0.1"] });
});
afterAll(() => rmSync(dirname(dataDir), { recursive: true, force: true }));

const OP = { continuation: 0x0, text: 0x1, binary: 0x2, close: 0x8, ping: 0x9, pong: 0xa } as const;
const accept = (key: string) => createHash("sha1").update(`${key}258EAFA5-E914-47DA-95CA-C5AB0DC85B11`).digest("base64");

/** A frame as a server sends it: unmasked, FIN set unless `fin` is false. */
function frame(opcode: number, payload: string | Buffer = Buffer.alloc(0), fin = true): Buffer {
  const body = Buffer.from(payload);
  const len = body.length;
  const head = len < 126 ? Buffer.from([0, len]) : Buffer.from([0, 126, len >> 8, len & 0xff]);
  if (len > 0xffff) throw new Error("test frames stay under 64 KiB + 16-bit lengths");
  head[0] = (fin ? 0x80 : 0) | opcode;
  return Buffer.concat([head, body]);
}
const closeFrame = (code: number, reason = "") => {
  const p = Buffer.alloc(2 + Buffer.byteLength(reason));
  p.writeUInt16BE(code, 0);
  p.write(reason, 2);
  return frame(OP.close, p);
};
/** The payloads of the client's frames in `bytes` (masked, as a client's must be), with their opcodes. */
function clientFrames(bytes: Buffer): { opcode: number; masked: boolean; payload: Buffer }[] {
  const out = [];
  let at = 0;
  while (at + 2 <= bytes.length) {
    const masked = (bytes[at + 1]! & 0x80) !== 0;
    let len = bytes[at + 1]! & 0x7f;
    let off = at + 2;
    if (len === 126) {
      len = bytes.readUInt16BE(off);
      off += 2;
    }
    const mask = masked ? bytes.subarray(off, off + 4) : Buffer.alloc(4);
    if (masked) off += 4;
    const payload = Buffer.from(bytes.subarray(off, off + len).map((b, i) => b ^ mask[i & 3]!));
    out.push({ opcode: bytes[at]! & 0x0f, masked, payload });
    at = off + len;
  }
  return out;
}

const ok = (key: string, extra = "") =>
  `HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept(key)}\r\nSec-WebSocket-Protocol: mqtt\r\n${extra}\r\n`;

/** A TLS peer (the hub's test certificate, ALPN http/1.1): answers the upgrade with `answer(key)` followed by `frames`; notes what it got after the request. */
async function tlsPeer(answer: (key: string) => string, frames: Buffer = Buffer.alloc(0)) {
  const got: Buffer[] = [];
  let request = "";
  let closed = false;
  let last: TLSSocket | undefined;
  const server = createServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ["http/1.1"] }, (s: TLSSocket) => {
    last = s;
    let head = "";
    s.on("data", (d: Buffer) => {
      if (head.includes("\r\n\r\n")) return got.push(d);
      head += d.toString("latin1");
      if (!head.includes("\r\n\r\n")) return;
      request = head;
      const key = /sec-websocket-key: *(\S+)/i.exec(head)?.[1] ?? "";
      // One write, one TLS record: the first frames arrive in the same read as the 101.
      const out = Buffer.concat([Buffer.from(answer(key), "latin1"), frames]);
      if (out.length) s.write(out);
    });
    s.on("close", () => (closed = true));
    s.on("error", () => {});
  });
  await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    port,
    got: () => Buffer.concat(got),
    request: () => request,
    isClosed: () => closed,
    /** Sends `bytes` on the last connection in writes of `piece` bytes, a turn of the event loop apart. */
    async send(bytes: Buffer, piece: number) {
      for (let at = 0; at < bytes.length; at += piece) {
        last!.write(bytes.subarray(at, at + piece));
        await new Promise((r) => setImmediate(r));
      }
    },
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** What the wake line does first: TLS with ALPN http/1.1 and the hub's CA. */
const tlsTo = (port: number, timeoutMs: number) =>
  openHubSocket({
    hub: brokerEndpoint(parseBrokerUrl(`wss://127.0.0.1:${port}/mqtt`)),
    trust: { kind: "verify", caPem: tls.caPem },
    timeoutMs,
    alpn: { offer: ["http/1.1"], expect: "http/1.1" },
  });
const upgrade = (socket: TLSSocket, port: number, timeoutMs: number) => openWebSocket(socket, { authority: `127.0.0.1:${port}`, path: "/mqtt", protocol: "mqtt", timeoutMs });

/** TLS, then the upgrade. */
async function open(port: number, timeoutMs = 2_000): Promise<{ socket: TLSSocket; stream: Duplex }> {
  const socket = await tlsTo(port, timeoutMs);
  return { socket, stream: await upgrade(socket, port, timeoutMs) };
}

/** How the stream ended: "clean", the error's message, or "still open" after `ms`. */
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

describe("the upgrade", () => {
  test("asks for /mqtt with the subprotocol mqtt, the Host of the broker and no extension", async () => {
    const peer = await tlsPeer((k) => ok(k));
    const { stream } = await open(peer.port);
    stream.destroy();
    await peer.close();
    const req = peer.request();
    expect(req).toStartWith("GET /mqtt HTTP/1.1\r\n");
    expect(req).toMatch(/\r\nhost: 127\.0\.0\.1:\d+\r\n/i);
    expect(req).toMatch(/\r\nsec-websocket-protocol: mqtt\r\n/i);
    expect(req).toMatch(/\r\nsec-websocket-version: 13\r\n/i);
    expect(req.toLowerCase()).not.toContain("sec-websocket-extensions");
  });

  test("goes over the socket it is given (createConnection), never dialling the URL's host itself", async () => {
    const peer = await tlsPeer((k) => ok(k));
    try {
      const socket = await tlsTo(peer.port, 2_000);
      // A name that cannot resolve (RFC 6761): an upgrade that dialled it would fail.
      const stream = await openWebSocket(socket, { authority: "broker.invalid:443", path: "/mqtt", protocol: "mqtt", timeoutMs: 2_000 });
      stream.destroy();
      expect(peer.request()).toMatch(/\r\nhost: broker\.invalid(:443)?\r\n/i);
    } finally {
      await peer.close();
    }
  });

  test.each([
    ["a 200 instead of 101", () => "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n", "Unexpected server response: 200"],
    ["a 404", () => "HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n\r\n", "Unexpected server response: 404"],
    ["a wrong Sec-WebSocket-Accept", () => ok("not-our-key"), "Invalid Sec-WebSocket-Accept header"],
    ["no Upgrade header", (k: string) => ok(k).replace("Upgrade: websocket\r\n", ""), "Unexpected server response: 101"],
    ["another subprotocol", (k: string) => ok(k).replace("Protocol: mqtt", "Protocol: mqttv5"), "Server sent an invalid subprotocol"],
    ["no subprotocol", (k: string) => ok(k).replace("Sec-WebSocket-Protocol: mqtt\r\n", ""), "Server sent no subprotocol"],
    ["an extension not asked for", (k: string) => ok(k, "Sec-WebSocket-Extensions: permessage-deflate\r\n"), "no extension was requested"],
    ["not HTTP", () => "SSH-2.0-OpenSSH\r\n\r\n", "the WebSocket upgrade failed"],
  ])("refuses an answer with %s", async (_what, answer, why) => {
    const peer = await tlsPeer(answer);
    try {
      const err = await open(peer.port).then(
        () => "opened",
        (e: Error) => e.message,
      );
      expect(err).toStartWith("the WebSocket upgrade failed: ");
      expect(err).toContain(why);
      await waitFor(peer.isClosed, 2_000, "the connection to close");
    } finally {
      await peer.close();
    }
  });

  test("an endless head is refused before much of it is read", async () => {
    const pad = "a".repeat(1024);
    let sent = 0;
    const server = createServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ["http/1.1"] }, (s: TLSSocket) => {
      s.on("error", () => {});
      s.once("data", () => {
        s.write("HTTP/1.1 101 Switching Protocols\r\n");
        // 1 KiB header lines for as long as the client reads them, up to 8 MiB.
        const more = () => {
          while (sent < 8 * 1024 * 1024 && !s.destroyed) {
            sent += 1024;
            if (!s.write(`X-Pad: ${pad}\r\n`)) return void s.once("drain", more);
          }
        };
        more();
      });
    });
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      const port = (server.address() as { port: number }).port;
      const socket = await tlsTo(port, 5_000);
      const err = await upgrade(socket, port, 5_000).then(
        () => "opened",
        (e: Error) => e.message,
      );
      console.log(`endless head: ${err}; ${socket.bytesRead} bytes read of the ${sent} the peer wrote`);
      expect(err).toStartWith("the WebSocket upgrade failed: ");
      // Bun's HTTP parser stops at its header limit (16 KiB by default); TLS records and socket reads come in larger pieces.
      expect(socket.bytesRead).toBeLessThan(256 * 1024);
      expect(socket.destroyed).toBe(true);
    } finally {
      server.close();
    }
  });

  test("a close before answering", async () => {
    const server = createServer({ key: tls.key, cert: tls.cert, ALPNProtocols: ["http/1.1"] }, (s) => s.once("data", () => s.destroy()));
    await new Promise<void>((r) => server.listen(0, "127.0.0.1", () => r()));
    try {
      await expect(open((server.address() as { port: number }).port)).rejects.toThrow("the WebSocket upgrade failed: ");
    } finally {
      server.close();
    }
  });

  test("silence after the upgrade request times out", async () => {
    const peer = await tlsPeer(() => "");
    try {
      await expect(open(peer.port, 1_000)).rejects.toThrow("no answer to the WebSocket upgrade within");
      await waitFor(peer.isClosed, 2_000, "the connection to close");
    } finally {
      await peer.close();
    }
  });
});

describe("frames from the broker", () => {
  test("frames sent with the 101 in one packet, fragments and a ping between them are read, and the ping answered masked", async () => {
    const frames = Buffer.concat([frame(OP.binary, "ab", false), frame(OP.ping, "p"), frame(OP.continuation, "cd"), frame(OP.binary, "ef")]);
    const peer = await tlsPeer((k) => ok(k), frames);
    const { stream } = await open(peer.port);
    try {
      expect((await readBytes(stream, 6)).toString()).toBe("abcdef");
      await waitFor(() => clientFrames(peer.got()).length >= 1, 2_000, "the pong");
      expect(clientFrames(peer.got())[0]).toEqual({ opcode: OP.pong, masked: true, payload: Buffer.from("p") });
      stream.write(Buffer.from("hello"));
      await waitFor(() => clientFrames(peer.got()).length >= 2, 2_000, "our message");
      expect(clientFrames(peer.got())[1]).toEqual({ opcode: OP.binary, masked: true, payload: Buffer.from("hello") });
    } finally {
      stream.destroy();
      await peer.close();
    }
  });

  test("frames that arrive a byte at a time are read", async () => {
    const frames = Buffer.concat([frame(OP.binary, "ab", false), frame(OP.continuation, Buffer.alloc(300, 0x63)), frame(OP.binary, "d")]);
    const peer = await tlsPeer((k) => ok(k));
    const { stream } = await open(peer.port);
    try {
      const got = readBytes(stream, 303);
      await peer.send(frames, 1);
      expect((await got).toString()).toBe(`ab${"c".repeat(300)}d`);
    } finally {
      stream.destroy();
      await peer.close();
    }
  });

  test("a message of exactly the limit is taken", async () => {
    const peer = await tlsPeer((k) => ok(k), frame(OP.binary, Buffer.alloc(MAX_BROKER_MESSAGE_BYTES - 1, 7)));
    const { stream } = await open(peer.port);
    try {
      expect((await readBytes(stream, MAX_BROKER_MESSAGE_BYTES - 1)).length).toBe(MAX_BROKER_MESSAGE_BYTES - 1);
    } finally {
      stream.destroy();
      await peer.close();
    }
  });

  const huge = Buffer.from([0x82, 0x7f, 0x7f, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
  const over = Buffer.concat([frame(OP.binary, Buffer.alloc(40_000), false), frame(OP.continuation, Buffer.alloc(30_000))]);
  test.each([
    ["a masked frame", Buffer.from([0x82, 0x81, 1, 2, 3, 4, 0x41]), "MASK must be clear"],
    ["an unknown opcode", Buffer.from([0x85, 0x00]), "invalid opcode 5"],
    ["a reserved bit", Buffer.from([0xc2, 0x01, 0x41]), "RSV1 must be clear"],
    ["a stray continuation", Buffer.from([0x80, 0x01, 0x41]), "invalid opcode 0"],
    ["a huge declared length, from its header alone", huge, "payload length > 2^53 - 1"],
    ["a frame one byte over the limit, from its header alone", Buffer.from([0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 1]), "Max payload size exceeded"],
    ["a fragmented message over the limit", over, "Max payload size exceeded"],
    ["a close with code 1006", closeFrame(1006), "invalid status code 1006"],
    ["a fragmented close", Buffer.from([0x08, 0x00]), "FIN must be set"],
    ["a ping of 126 bytes", Buffer.concat([Buffer.from([0x89, 0x7e, 0x00, 0x7e]), Buffer.alloc(126)]), "invalid payload length 126"],
    ["a new message inside a fragmented one", Buffer.concat([frame(OP.binary, "a", false), frame(OP.binary, "b")]), "invalid opcode 2"],
    ["a close with a one-byte code", Buffer.from([0x88, 0x01, 0x03]), "invalid payload length 1"],
    ["a close with code 1005", closeFrame(1005), "invalid status code 1005"],
    ["a close with code 999", closeFrame(999), "invalid status code 999"],
    ["a close reason that is not UTF-8", Buffer.from([0x88, 0x04, 0x03, 0xe8, 0xc3, 0x28]), "invalid UTF-8 sequence"],
  ])("ends the connection on %s with a clear error", async (_what, frames, why) => {
    const peer = await tlsPeer((k) => ok(k), frames);
    const { stream } = await open(peer.port);
    try {
      expect(await ending(stream)).toContain(why);
      await waitFor(peer.isClosed, 2_000, "the connection to close");
    } finally {
      stream.destroy();
      await peer.close();
    }
  });

  test("a normal close from the broker ends the stream cleanly, answered with a close", async () => {
    const peer = await tlsPeer((k) => ok(k), closeFrame(1000, "bye"));
    const { stream } = await open(peer.port);
    try {
      expect(await ending(stream)).toBe("clean");
      await waitFor(() => clientFrames(peer.got()).length >= 1, 2_000, "our close");
      expect(clientFrames(peer.got())[0]!.opcode).toBe(OP.close);
    } finally {
      await peer.close();
    }
  });

  test("an unusual close is an error naming its code and cleaned reason", async () => {
    const peer = await tlsPeer((k) => ok(k), closeFrame(4001, "go away\u0007"));
    const { stream } = await open(peer.port);
    try {
      expect(await ending(stream)).toBe("the broker closed the WebSocket: 4001 go away");
    } finally {
      await peer.close();
    }
  });

  test("a connection cut without a close frame is an error, not a clean end", async () => {
    const peer = await tlsPeer((k) => ok(k));
    const { socket, stream } = await open(peer.port);
    const end = ending(stream);
    socket.destroy();
    expect(await end).toBe("the connection to the broker closed without a WebSocket close");
    await peer.close();
  });

  test("ending our side sends a close (without a code, which means a normal one)", async () => {
    const peer = await tlsPeer((k) => ok(k));
    const { stream } = await open(peer.port);
    try {
      stream.end();
      await waitFor(() => clientFrames(peer.got()).length >= 1, 2_000, "our close");
      const close = clientFrames(peer.got())[0]!;
      expect(close.opcode).toBe(OP.close);
      expect(close.masked).toBe(true);
      expect(close.payload.length).toBe(0);
    } finally {
      stream.destroy();
      await peer.close();
    }
  });
});

describe("the direct wss:// line (mqtt.js's own ws client)", () => {
  test("has the same limits: no compression offered, and a message over the limit fails the attempt at its header", async () => {
    const peer = await tlsPeer((k) => ok(k), Buffer.from([0x82, 0x7f, 0, 0, 0, 0, 0, 1, 0, 1]));
    try {
      const attempt = connectBroker({
        address: parseBrokerUrl(`wss://127.0.0.1:${peer.port}/mqtt`),
        login: { username: "agt_0000000000000000", clientId: "agt_0000000000000000", password: "s", topic: "t" },
        caPem: tls.caPem,
        timeoutMs: 2_000,
      });
      await expect(attempt).rejects.toThrow("Max payload size exceeded");
      expect(peer.request().toLowerCase()).not.toContain("sec-websocket-extensions");
    } finally {
      await peer.close();
    }
  });
});
