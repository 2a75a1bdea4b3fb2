/**
 * Issue 11's first attack on the hub: HTTP/2 connections that advertise a
 * zero window (so the server may send no body at all) and open thousands of
 * Poll streams each, with or without a credential. Written frame by frame
 * (raw-h2.ts), so nothing on the client side limits the streams.
 */
import { type RawH2, connectRawH2, grpcEnvelope, grpcHeaders } from "../raw-h2.ts";

export interface ZeroWindowOptions {
  port: number;
  /** Local address (127.0.0.0/8) of the connection. */
  localAddress: string;
  /** Poll streams opened at once, never read. */
  streams: number;
  /** `Bearer ...` of a stolen credential, or none. */
  authorization?: string;
}

/** One zero-window connection that opens `streams` Poll streams at once; resolves once they are sent. */
export async function zeroWindowConnection(opts: ZeroWindowOptions): Promise<RawH2> {
  const c = await connectRawH2({ port: opts.port, initialWindow: 0, localAddress: opts.localAddress });
  const headers = grpcHeaders("Poll", opts.authorization);
  const empty = grpcEnvelope(new Uint8Array());
  for (let s = 0; s < opts.streams && !c.closed; s++) c.request(headers, empty);
  return c;
}

/** What the hub answered on zero-window connections, summed. */
export interface ZeroWindowTally {
  connections: number;
  streams: number;
  /** Streams the hub answered with HEADERS. */
  answered: number;
  /** RST_STREAM REFUSED_STREAM (7): over SETTINGS_MAX_CONCURRENT_STREAMS. */
  refusedStream: number;
  /** RST_STREAM with another code. */
  otherResets: number;
  /** GOAWAY by error code (0 NO_ERROR, 11 ENHANCE_YOUR_CALM...). */
  goaway: Record<string, number>;
  /** Connections the hub closed without GOAWAY. */
  closedWithoutGoaway: number;
}

export function tallyZeroWindow(conns: readonly RawH2[], streamsEach: number, into?: ZeroWindowTally): ZeroWindowTally {
  const t = into ?? { connections: 0, streams: 0, answered: 0, refusedStream: 0, otherResets: 0, goaway: {}, closedWithoutGoaway: 0 };
  for (const c of conns) {
    t.connections++;
    t.streams += streamsEach;
    t.answered += c.responded.size;
    for (const code of c.resets.values()) code === 7 ? t.refusedStream++ : t.otherResets++;
    if (c.goaway) t.goaway[c.goaway.code] = (t.goaway[c.goaway.code] ?? 0) + 1;
    else if (c.closed) t.closedWithoutGoaway++;
  }
  return t;
}
