/**
 * A hostile HTTP/2 client written frame by frame over TLS, for the tests
 * that attack the hub: it advertises the windows it likes, opens as many
 * streams as it likes, and records what the server answers (its SETTINGS,
 * responses, resets, GOAWAY) without ever reading a body for real.
 */
import { connect as tlsConnect, type TLSSocket } from "node:tls";

export const FRAME = { DATA: 0, HEADERS: 1, RST_STREAM: 3, SETTINGS: 4, PING: 6, GOAWAY: 7, WINDOW_UPDATE: 8 } as const;
export const SETTING = { MAX_CONCURRENT_STREAMS: 3, INITIAL_WINDOW_SIZE: 4 } as const;
const PREFACE = Buffer.from("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n");

function frame(type: number, flags: number, stream: number, payload: Uint8Array = new Uint8Array()): Buffer {
  const h = Buffer.alloc(9);
  h.writeUIntBE(payload.length, 0, 3);
  h[3] = type;
  h[4] = flags;
  h.writeUInt32BE(stream, 5);
  return Buffer.concat([h, payload]);
}

/** HPACK integer with an n-bit prefix. */
function hpackInt(v: number, prefixBits: number, first: number): number[] {
  const max = (1 << prefixBits) - 1;
  if (v < max) return [first | v];
  const out = [first | max];
  v -= max;
  while (v >= 128) {
    out.push((v & 127) | 128);
    v >>= 7;
  }
  out.push(v);
  return out;
}

/** A header block of literals without indexing (no Huffman, no table): enough for any server. */
export function headerBlock(headers: [string, string][]): Buffer {
  const parts: number[] = [];
  for (const [name, value] of headers) {
    const n = Buffer.from(name);
    const v = Buffer.from(value);
    parts.push(0, ...hpackInt(n.length, 7, 0), ...n, ...hpackInt(v.length, 7, 0), ...v);
  }
  return Buffer.from(parts);
}

export interface RawH2Options {
  port: number;
  /** SETTINGS_INITIAL_WINDOW_SIZE the client advertises (0: the server may send no body at all). */
  initialWindow?: number;
  /** Local address to connect from (127.0.0.0/8), to look like many clients. */
  localAddress?: string;
}

export interface RawH2 {
  socket: TLSSocket;
  /** The server's SETTINGS, by identifier. */
  settings: Map<number, number>;
  /** Streams the server answered with HEADERS, and the status or grpc-status when readable. */
  responded: Set<number>;
  /** RST_STREAM error codes by stream. */
  resets: Map<number, number>;
  goaway?: { lastStream: number; code: number };
  closed: boolean;
  /** Opens a stream with `headers`; `body` (if any) is sent as DATA, ending the stream unless `open`. */
  request(headers: [string, string][], body?: Uint8Array, opts?: { open?: boolean }): number;
  /** DATA on an open stream. */
  data(stream: number, body: Uint8Array, end?: boolean): void;
  close(): void;
}

/** Connects with ALPN h2 and sends the preface and SETTINGS; resolves once the server's SETTINGS arrived. */
export function connectRawH2(opts: RawH2Options): Promise<RawH2> {
  return new Promise((resolve, reject) => {
    const socket = tlsConnect({
      host: "127.0.0.1",
      port: opts.port,
      ALPNProtocols: ["h2"],
      rejectUnauthorized: false,
      servername: "localhost",
      ...(opts.localAddress ? { localAddress: opts.localAddress } : {}),
    } as Parameters<typeof tlsConnect>[0]);
    let next = 1;
    let pending = Buffer.alloc(0);
    const c: RawH2 = {
      socket,
      settings: new Map(),
      responded: new Set(),
      resets: new Map(),
      closed: false,
      request(headers, body, o = {}) {
        const id = next;
        next += 2;
        const endHeaders = 0x4;
        const endStream = body === undefined && !o.open ? 0x1 : 0;
        socket.write(frame(FRAME.HEADERS, endHeaders | endStream, id, headerBlock(headers)));
        if (body !== undefined) c.data(id, body, !o.open);
        return id;
      },
      data(stream, body, end = true) {
        for (let off = 0; off < body.length || off === 0; off += 16_384) {
          const chunk = body.subarray(off, off + 16_384);
          const last = off + 16_384 >= body.length;
          socket.write(frame(FRAME.DATA, end && last ? 0x1 : 0, stream, chunk));
          if (last) break;
        }
      },
      close() {
        socket.destroy();
      },
    };
    socket.on("error", (e) => (c.settings.size ? undefined : reject(e)));
    socket.on("close", () => {
      c.closed = true;
      reject(new Error("closed before the server's SETTINGS"));
    });
    socket.on("secureConnect", () => {
      const s = Buffer.alloc(6);
      s.writeUInt16BE(SETTING.INITIAL_WINDOW_SIZE, 0);
      s.writeUInt32BE(opts.initialWindow ?? 65_535, 2);
      socket.write(Buffer.concat([PREFACE, frame(FRAME.SETTINGS, 0, 0, s)]));
    });
    socket.on("data", (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 9) {
        const len = pending.readUIntBE(0, 3);
        if (pending.length < 9 + len) break;
        const type = pending[3]!;
        const flags = pending[4]!;
        const stream = pending.readUInt32BE(5) & 0x7fffffff;
        const p = pending.subarray(9, 9 + len);
        pending = pending.subarray(9 + len);
        if (type === FRAME.SETTINGS && !(flags & 1)) {
          for (let i = 0; i + 6 <= p.length; i += 6) c.settings.set(p.readUInt16BE(i), p.readUInt32BE(i + 2));
          socket.write(frame(FRAME.SETTINGS, 1, 0));
          resolve(c);
        } else if (type === FRAME.HEADERS) c.responded.add(stream);
        else if (type === FRAME.RST_STREAM) c.resets.set(stream, p.readUInt32BE(0));
        else if (type === FRAME.GOAWAY) c.goaway = { lastStream: p.readUInt32BE(0) & 0x7fffffff, code: p.readUInt32BE(4) };
        else if (type === FRAME.PING && !(flags & 1)) socket.write(frame(FRAME.PING, 1, 0, p));
      }
    });
  });
}

/** The request headers of a gRPC call to AgentService. */
export function grpcHeaders(method: string, authorization?: string): [string, string][] {
  const h: [string, string][] = [
    [":method", "POST"],
    [":scheme", "https"],
    [":path", `/dca.v1.AgentService/${method}`],
    [":authority", "localhost"],
    ["content-type", "application/grpc"],
    ["te", "trailers"],
  ];
  if (authorization) h.push(["authorization", authorization]);
  return h;
}

/** A gRPC message envelope around `message`. */
export function grpcEnvelope(message: Uint8Array): Buffer {
  const h = Buffer.alloc(5);
  h.writeUInt32BE(message.length, 1);
  return Buffer.concat([h, message]);
}
