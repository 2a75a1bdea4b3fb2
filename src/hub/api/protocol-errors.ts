/**
 * Error answers the front door writes itself, in the protocol the client
 * speaks (gRPC, gRPC-web, Connect): a refusal before the body is read, and
 * a body that does not decode answered as the client's error.
 */
import type { Http2ServerRequest, Http2ServerResponse } from "node:http2";
import { Code, ConnectError } from "@connectrpc/connect";
import { type UniversalServerResponse, createAsyncIterable, encodeEnvelope, readAllBytes } from "@connectrpc/connect/protocol";
import { codeToHttpStatus, errorFromJsonBytes, errorToJsonBytes } from "@connectrpc/connect/protocol-connect";
import { setTrailerStatus } from "@connectrpc/connect/protocol-grpc";
import { trailerFlag, trailerParse, trailerSerialize } from "@connectrpc/connect/protocol-grpc-web";

/** Answers `err` without reading the request body (gRPC: trailers only; Connect: JSON with its HTTP status). */
export function respondWithError(req: Http2ServerRequest, res: Http2ServerResponse, err: ConnectError): void {
  const type = String(req.headers["content-type"] ?? "").split(";")[0]!.trim();
  const status = new Headers();
  setTrailerStatus(status, err);
  if (type.startsWith("application/grpc-web")) {
    res.writeHead(200, { "content-type": type });
    res.end(encodeEnvelope(trailerFlag, trailerSerialize(status)));
  } else if (type.startsWith("application/grpc")) {
    res.writeHead(200, { "content-type": type, ...Object.fromEntries(status) });
    res.end();
  } else {
    res.writeHead(codeToHttpStatus(err.code), { ...Object.fromEntries(err.metadata), "content-type": "application/json" });
    res.end(errorToJsonBytes(err, {}));
  }
}

/** Connect's words for a protobuf body that does not decode, which it answers as `internal`. */
const PARSE_FAILURE = /^parse binary: /;

const clientError = (message: string) => new ConnectError(`the request body is not a valid message (${message.replace(PARSE_FAILURE, "")})`, Code.InvalidArgument);

/**
 * `res` with a body that did not decode answered as invalid_argument (HTTP
 * 400 for Connect, grpc-status 3 for gRPC) instead of Connect's `internal`:
 * a malformed request is the client's error, not the hub's.
 */
export async function undecodableAsInvalidArgument(res: UniversalServerResponse): Promise<UniversalServerResponse> {
  const { body: chunks, trailer } = res;
  if (!chunks) return res;
  if (res.status === 500 && res.header?.get("content-type") === "application/json") {
    const bytes = await readAllBytes(chunks, 0xffffffff);
    const err = errorFromJsonBytes(bytes, undefined, new ConnectError("internal error", Code.Internal));
    if (err.code !== Code.Internal || !PARSE_FAILURE.test(err.rawMessage)) return { ...res, body: createAsyncIterable([bytes]) };
    const replaced = clientError(err.rawMessage);
    return { ...res, status: codeToHttpStatus(replaced.code), body: createAsyncIterable([errorToJsonBytes(replaced, {})]) };
  }
  if (res.header?.get("content-type")?.startsWith("application/grpc-web")) return { ...res, body: createAsyncIterable([await grpcWebFixed(chunks)]) };
  if (!trailer) return res;
  // gRPC: the status is in the trailer, set once the body has run.
  async function* fixed(grpcTrailer: Headers) {
    yield* chunks!;
    const message = decodeURIComponent(grpcTrailer.get("grpc-message") ?? "");
    if (grpcTrailer.get("grpc-status") === String(Code.Internal) && PARSE_FAILURE.test(message)) setTrailerStatus(grpcTrailer, clientError(message));
  }
  return { ...res, body: fixed(trailer) };
}

/** The largest unary gRPC-web answer rewritten (ours are a few KB; a Poll with its tasks stays far below). */
const GRPC_WEB_ANSWER_MAX_BYTES = 16 * 1024 * 1024;

/**
 * A gRPC-web answer's bytes with the status in its trailer frame (flag 0x80,
 * the last envelope of the body) turned into invalid_argument when it says the
 * request did not decode. Only gRPC-web answers are read whole for this.
 */
async function grpcWebFixed(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
  const bytes = await readAllBytes(chunks, GRPC_WEB_ANSWER_MAX_BYTES);
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let pos = 0; pos + 5 <= bytes.length; ) {
    const end = pos + 5 + view.getUint32(pos + 1);
    if (bytes[pos] === trailerFlag && end <= bytes.length) {
      const status = trailerParse(bytes.subarray(pos + 5, end));
      const message = decodeURIComponent(status.get("grpc-message") ?? "");
      if (status.get("grpc-status") !== String(Code.Internal) || !PARSE_FAILURE.test(message)) return bytes;
      setTrailerStatus(status, clientError(message));
      const frame = encodeEnvelope(trailerFlag, trailerSerialize(status));
      const out = new Uint8Array(pos + frame.length);
      out.set(bytes.subarray(0, pos));
      out.set(frame, pos);
      return out;
    }
    pos = end;
  }
  return bytes;
}
