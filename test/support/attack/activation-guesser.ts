/**
 * Issue 11's fifth attack on the hub: guessing activation codes. One guesser
 * is an HTTP/2 connection from its own loopback address that sends a wrong
 * code with a fresh install id, one at a time, as fast as the hub answers.
 */
import { randomBytes } from "node:crypto";
import http2 from "node:http2";
import { connect as netConnect } from "node:net";
import { connect as tlsConnect } from "node:tls";
import { create, toBinary } from "@bufbuild/protobuf";
import { ActivateRequestSchema } from "../../../src/gen/dca/v1/agent_service_pb.ts";

/** What the guessers saw, summed. */
export interface GuessCounts {
  sent: number;
  /** Judged by the hub: wrong code (permission_denied). */
  checked: number;
  /** Refused unchecked by the budget over all addresses (resource_exhausted, "slowly"). */
  refusedUnchecked: number;
  /** Refused by the per-address rate limit (resource_exhausted). */
  refusedPerAddress: number;
  /** Anything else (a failed connection, another answer). */
  other: number;
}

export const noGuesses = (): GuessCounts => ({ sent: 0, checked: 0, refusedUnchecked: 0, refusedPerAddress: 0, other: 0 });

export interface GuesserOptions {
  hubUrl: string;
  port: number;
  caPem: string | Buffer;
  localAddress: string;
  stop: AbortSignal;
  counts: GuessCounts;
}

/** Guesses from `localAddress` until `stop`, on a new connection whenever the hub closes one. */
export async function guessActivationCodes(opts: GuesserOptions): Promise<void> {
  while (!opts.stop.aborted) {
    await guessOnOneConnection(opts);
    await Bun.sleep(20);
  }
}

async function guessOnOneConnection(opts: GuesserOptions): Promise<void> {
  const { counts } = opts;
  const session = http2.connect(opts.hubUrl, {
    createConnection: () =>
      tlsConnect({ socket: netConnect({ host: "127.0.0.1", port: opts.port, localAddress: opts.localAddress }), ca: opts.caPem, servername: "localhost", ALPNProtocols: ["h2"] }),
  });
  session.on("error", () => {});
  try {
    while (!opts.stop.aborted && !session.destroyed && !session.closed) {
      const body = toBinary(
        ActivateRequestSchema,
        create(ActivateRequestSchema, { code: "WRNG-CODE", installId: randomBytes(16).toString("hex"), hostname: "guesser", agentVersion: "0", platform: "linux-x64" }),
      );
      const status = await new Promise<string>((resolve) => {
        const req = session.request({ ":method": "POST", ":path": "/dca.v1.AgentService/Activate", "content-type": "application/proto" });
        let code = "";
        req.on("response", (h) => (code = String(h["connect-code"] ?? h[":status"])));
        req.on("data", (d: Buffer) => (code += d.toString().includes("slowly") ? " slowly" : ""));
        req.on("end", () => resolve(code));
        req.on("error", () => resolve("error"));
        req.end(body);
      });
      counts.sent++;
      if (status.includes("slowly")) counts.refusedUnchecked++;
      else if (status.startsWith("403") || status.startsWith("permission")) counts.checked++;
      else if (status.startsWith("429")) {
        counts.refusedPerAddress++;
        await Bun.sleep(50);
      } else {
        counts.other++;
        await Bun.sleep(10); // a failure: do not spin
      }
    }
  } finally {
    session.close();
  }
}
