/**
 * Issue 11's second attack on the hub: UploadReadings calls without a
 * credential whose bodies are far over the method's limit (13 MB), several
 * streams on each of several connections, sent as a flow-controlled client
 * (node:http2) sends them. The hub should answer each at once, without
 * reading the body.
 */
import http2 from "node:http2";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { grpcEnvelope } from "../raw-h2.ts";

export interface UnauthenticatedUploadOptions {
  hubUrl: string;
  port: number;
  caPem: string;
  connections: number;
  streamsEach: number;
  /** Size of each body (the message inside the gRPC envelope). */
  bytes: number;
  /** Give up waiting for answers after this long. */
  timeoutMs: number;
  /** Local address (127.0.0.0/8) to connect from. */
  localAddress?: string;
}

/** How one call ended: ms from the start to the response headers, and their grpc-status ("none" if unanswered in time). */
export interface UploadAnswer {
  ms: number;
  grpcStatus: string;
}

const bodies = new Map<number, Buffer>();

/** Sends every call at once; resolves with each one's answer once all are answered or the time is up. */
export async function unauthenticatedUploads(opts: UnauthenticatedUploadOptions): Promise<UploadAnswer[]> {
  const body = bodies.get(opts.bytes) ?? bodies.set(opts.bytes, grpcEnvelope(new Uint8Array(opts.bytes))).get(opts.bytes)!;
  const t0 = performance.now();
  const sessions = Array.from({ length: opts.connections }, () =>
    http2
      .connect(opts.hubUrl, {
        createConnection: () =>
          tlsConnect({ socket: netConnect({ host: "127.0.0.1", port: opts.port, ...(opts.localAddress ? { localAddress: opts.localAddress } : {}) }), ca: opts.caPem, servername: "localhost", ALPNProtocols: ["h2"] }),
      })
      .on("error", () => {}),
  );
  const answers: UploadAnswer[] = [];
  const calls = sessions.flatMap((session) =>
    Array.from(
      { length: opts.streamsEach },
      () =>
        new Promise<void>((resolve) => {
          const req = session.request({ ":method": "POST", ":path": "/dca.v1.AgentService/UploadReadings", "content-type": "application/grpc", te: "trailers" });
          req.on("response", (h) => {
            answers.push({ ms: performance.now() - t0, grpcStatus: String(h["grpc-status"] ?? `http ${h[":status"]}`) });
            resolve();
          });
          req.on("error", () => resolve());
          req.on("close", () => resolve());
          req.write(body);
        }),
    ),
  );
  await Promise.race([Promise.all(calls), Bun.sleep(opts.timeoutMs)]);
  for (const session of sessions) session.destroy();
  const unanswered = opts.connections * opts.streamsEach - answers.length;
  for (let i = 0; i < unanswered; i++) answers.push({ ms: performance.now() - t0, grpcStatus: "none" });
  return answers;
}
