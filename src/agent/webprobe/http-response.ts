/**
 * Reads one HTTP/1.x response from bytes as they arrive, with bounds: the
 * head may be 32 KiB, the body is cut at `maxBodyBytes` (the rest is never
 * read). Content-Length, chunked, and read-until-close bodies are handled,
 * because embedded servers use all three. No socket here, so the parsing
 * is tested on its own.
 */
import { cleanText } from "../../common/text.ts";
import { WebProbeError } from "./web-probe-error.ts";

/** Largest response head accepted. */
export const MAX_HEAD_BYTES = 32 * 1024;

/** A response as far as it was read. */
export interface HttpResponse {
  status: number;
  /** Lower-case names; the first value of each header. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** True when the body was longer than the bound and was cut. */
  truncated: boolean;
}

/** A response reader: feed() bytes until it says done, or call end() when the peer closes. */
export interface ResponseReader {
  /** Takes more bytes; true once the response is complete (or the body bound is reached). */
  feed(bytes: Uint8Array): boolean;
  /** The peer closed: returns the response, or throws when what came is not one. */
  end(): HttpResponse;
  /** The response once feed() returned true. */
  result(): HttpResponse;
  /** Bytes received so far. */
  readonly received: number;
}

/** A printable quote of what a server sent, for an error message. */
export function quoteStart(bytes: Uint8Array): string {
  const s = Buffer.from(bytes.subarray(0, 64)).toString("latin1");
  return JSON.stringify(s.replace(/[^\x20-\x7e]/g, "."));
}

/** Starts reading one response to a GET; `target` names the URL in errors. */
export function createResponseReader(maxBodyBytes: number, target: string): ResponseReader {
  let received = 0;
  let headBuf = Buffer.alloc(0);
  let response: HttpResponse | undefined;
  const bodyParts: Buffer[] = [];
  let bodySize = 0;
  let mode: "length" | "chunked" | "close" = "close";
  let remaining = 0; // bytes left for "length", or in the current chunk
  let chunkState: "size" | "data" | "data-crlf" | "trailer" = "size";
  let lineBuf = "";
  let done = false;

  const take = (bytes: Buffer): boolean => {
    const room = maxBodyBytes - bodySize;
    if (bytes.length > room) {
      if (room > 0) bodyParts.push(bytes.subarray(0, room));
      bodySize = maxBodyBytes;
      if (response) response.truncated = true;
      return true;
    }
    bodyParts.push(bytes);
    bodySize += bytes.length;
    return false;
  };

  const feedChunked = (data: Buffer): boolean => {
    let i = 0;
    while (i < data.length) {
      if (chunkState === "data") {
        const n = Math.min(remaining, data.length - i);
        if (take(data.subarray(i, i + n))) return true;
        remaining -= n;
        i += n;
        if (remaining === 0) chunkState = "data-crlf";
        continue;
      }
      const nl = data.indexOf(0x0a, i);
      const piece = data.subarray(i, nl < 0 ? data.length : nl).toString("latin1");
      lineBuf += piece;
      if (lineBuf.length > 1024) throw new WebProbeError("malformed", `${target}: a chunk-size line longer than 1024 bytes`);
      if (nl < 0) return false;
      i = nl + 1;
      const line = lineBuf.replace(/\r$/, "");
      lineBuf = "";
      if (chunkState === "data-crlf") {
        if (line !== "") throw new WebProbeError("malformed", `${target}: chunk not followed by CRLF`);
        chunkState = "size";
      } else if (chunkState === "size") {
        const m = /^([0-9A-Fa-f]{1,8})(?:\s*;.*)?\s*$/.exec(line);
        if (!m) throw new WebProbeError("malformed", `${target}: bad chunk size ${quoteStart(Buffer.from(line, "latin1"))}`);
        remaining = Number.parseInt(m[1], 16);
        chunkState = remaining === 0 ? "trailer" : "data";
      } else if (line === "") {
        return true; // end of trailers
      }
    }
    return false;
  };

  const feedBody = (data: Buffer): boolean => {
    if (mode === "chunked") return feedChunked(data);
    if (mode === "length") {
      const n = Math.min(remaining, data.length);
      remaining -= n;
      if (take(data.subarray(0, n))) return true;
      return remaining === 0;
    }
    return take(data);
  };

  const parseHead = (head: string): HttpResponse => {
    const lines = head.split(/\r?\n/);
    const m = /^HTTP\/1\.[01] (\d{3})(?: .*)?$/.exec(lines[0]);
    if (!m) throw new WebProbeError("malformed", `${target}: not an HTTP answer; the server sent ${quoteStart(Buffer.from(head, "latin1"))}`);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(":");
      if (colon <= 0) continue;
      const name = line.slice(0, colon).trim().toLowerCase();
      if (!(name in headers)) headers[name] = line.slice(colon + 1).trim();
    }
    return { status: Number(m[1]), headers, body: new Uint8Array(), truncated: false };
  };

  const finish = (): HttpResponse => {
    if (!response) throw new Error("no response yet");
    response.body = new Uint8Array(Buffer.concat(bodyParts, bodySize));
    return response;
  };

  return {
    get received() {
      return received;
    },
    feed(bytes) {
      if (done) return true;
      received += bytes.length;
      let data = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
      if (!response) {
        headBuf = Buffer.concat([headBuf, data]);
        if (headBuf.length >= 5 && !headBuf.subarray(0, 5).equals(Buffer.from("HTTP/")))
          throw new WebProbeError("malformed", `${target}: not an HTTP answer; the server sent ${quoteStart(headBuf)}`);
        let end = headBuf.indexOf("\r\n\r\n");
        let sep = 4;
        if (end < 0) {
          end = headBuf.indexOf("\n\n");
          sep = 2;
        }
        if (end < 0) {
          if (headBuf.length > MAX_HEAD_BYTES) throw new WebProbeError("malformed", `${target}: response head longer than ${MAX_HEAD_BYTES} bytes`);
          return false;
        }
        if (end > MAX_HEAD_BYTES) throw new WebProbeError("malformed", `${target}: response head longer than ${MAX_HEAD_BYTES} bytes`);
        response = parseHead(headBuf.subarray(0, end).toString("latin1"));
        data = headBuf.subarray(end + sep);
        headBuf = Buffer.alloc(0);
        const te = (response.headers["transfer-encoding"] ?? "").toLowerCase();
        const cl = response.headers["content-length"];
        if (te.includes("chunked")) mode = "chunked";
        else if (cl !== undefined && /^\d{1,15}$/.test(cl)) {
          mode = "length";
          remaining = Number(cl);
        }
        const bodiless = response.status === 204 || response.status === 304 || (response.status >= 100 && response.status < 200);
        if (bodiless || (mode === "length" && remaining === 0)) {
          done = true;
          return true;
        }
      }
      done = feedBody(data);
      return done;
    },
    end() {
      if (!response) {
        if (received === 0) throw new WebProbeError("malformed", `${target}: the server closed the connection without answering`);
        throw new WebProbeError("malformed", `${target}: the server closed the connection inside the response head (${quoteStart(headBuf)})`);
      }
      return finish();
    },
    result: () => finish(),
  };
}

/** A header value from a device, cleaned and cut for a result field. */
export function headerText(value: string | undefined, max = 512): string {
  return cleanText(value ?? "", max);
}
