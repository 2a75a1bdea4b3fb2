/**
 * A front-to-back BER writer over one reused buffer, for responses whose
 * lengths are all known before writing (the varbinds are pre-encoded), so
 * the hot path allocates nothing per request.
 */
import { Tag } from "../../../src/common/ber.ts";
import type { RequestPdu } from "./request-reader.ts";

/** Octets taken by a TLV header for `len` octets of content. */
export function headerSize(len: number): number {
  return len < 0x80 ? 2 : len < 0x100 ? 3 : len < 0x10000 ? 4 : len < 0x1000000 ? 5 : 6;
}

/** Octets of a whole INTEGER TLV holding `n` (32-bit signed or smaller). */
export function intSize(n: number): number {
  if (n >= -0x80 && n < 0x80) return 3;
  if (n >= -0x8000 && n < 0x8000) return 4;
  if (n >= -0x800000 && n < 0x800000) return 5;
  return 6;
}

/** The forward writer; `pos` is the end of what was written. */
export interface PacketWriter {
  readonly buf: Uint8Array;
  pos: number;
  header(tag: number, len: number): void;
  bytes(src: Uint8Array, start?: number, end?: number): void;
  int(n: number): void;
  /** What was written, as a view of the shared buffer (valid until the next reset). */
  view(): Uint8Array;
}

/** Creates a writer big enough for any UDP datagram. */
export function createPacketWriter(size = 65536 + 256): PacketWriter {
  const buf = new Uint8Array(size);
  const w: PacketWriter = {
    buf,
    pos: 0,
    header(tag, len) {
      let p = w.pos;
      buf[p++] = tag;
      if (len < 0x80) {
        buf[p++] = len;
      } else {
        const n = headerSize(len) - 2;
        buf[p++] = 0x80 | n;
        for (let i = n - 1; i >= 0; i--) buf[p++] = (len >>> (8 * i)) & 0xff;
      }
      w.pos = p;
    },
    bytes(src, start = 0, end = src.length) {
      buf.set(start === 0 && end === src.length ? src : src.subarray(start, end), w.pos);
      w.pos += end - start;
    },
    int(n) {
      const len = intSize(n) - 2;
      buf[w.pos++] = Tag.Integer;
      buf[w.pos++] = len;
      for (let i = len - 1; i >= 0; i--) buf[w.pos++] = (n >> (8 * i)) & 0xff;
    },
    view: () => buf.subarray(0, w.pos),
  };
  return w;
}

/** What a PDU handler produced: an error and varbind TLVs, or the request's varbinds echoed. */
export interface PduResult {
  errorStatus: number;
  errorIndex: number;
  /** Pre-encoded varbind TLVs in order (first `count` are used). */
  parts: Uint8Array[];
  count: number;
  /** Sum of the lengths of the used parts. */
  length: number;
  /** True when the response carries the request's varbind list unchanged (errors). */
  echo: boolean;
}

function varbindListSize(req: RequestPdu, res: PduResult): number {
  return res.echo ? req.vblEnd - req.vblStart : headerSize(res.length) + res.length;
}

/** Content length of the Response PDU that `writeResponsePdu` will write. */
export function responsePduContentSize(req: RequestPdu, res: PduResult): number {
  return req.requestIdEnd - req.requestIdStart + intSize(res.errorStatus) + intSize(res.errorIndex) + varbindListSize(req, res);
}

/** Writes a whole PDU TLV of `type` answering `req`. */
export function writeResponsePdu(w: PacketWriter, type: number, req: RequestPdu, res: PduResult): void {
  w.header(type, responsePduContentSize(req, res));
  w.bytes(req.buf, req.requestIdStart, req.requestIdEnd);
  w.int(res.errorStatus);
  w.int(res.errorIndex);
  if (res.echo) {
    w.bytes(req.buf, req.vblStart, req.vblEnd);
    return;
  }
  w.header(Tag.Sequence, res.length);
  for (let i = 0; i < res.count; i++) w.bytes(res.parts[i]);
}
