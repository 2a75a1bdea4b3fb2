/**
 * An RFC 1179 client: one "receive a printer job" (0x02) on an LPD server,
 * with a control file and one data file. Every step waits for the server's
 * one-byte acknowledgement; anything but 0x00 is a `refused` error naming
 * the step, so "unknown queue" and "disk full" do not pass silently.
 */
import net from "node:net";
import os from "node:os";
import { ZebraError, showRaw } from "./zebra-error.ts";

/** The LPD port. */
export const LPD_PORT = 515;

/** Options for one LPR job. */
export interface LprOptions {
  /** User named in the control file (P line). Default "dca". */
  user?: string;
  /** Job name (J and N lines). Default "dca". */
  jobName?: string;
  /** Host named in the control file (H line) and file names. Default: this machine's name. */
  hostname?: string;
  /** The whole job, connect included. Default 10000 ms. */
  timeoutMs?: number;
  /**
   * Local port to send from. RFC 1179 asks for 721-731 and BSD lpd refuses
   * others; binding one needs privileges, so the default is any port.
   */
  localPort?: number;
  /** Job number (0-999) in the file names. Default random. */
  jobNumber?: number;
}

/** What was sent, for logs: never the data itself. */
export interface LprResult {
  controlFileName: string;
  dataFileName: string;
  bytes: number;
}

const QUEUE = /^[A-Za-z0-9_.+-]{1,64}$/;

/** Keeps the characters an LPD control line may carry, cut to `max`. */
function controlField(s: string, max: number): string {
  return s.replace(/[^\x21-\x7e ]/g, "").slice(0, max);
}

/**
 * Sends `data` as one job to `queue` on the LPD at `host:port`. The data
 * file is sent with the `l` (literal) format so ZPL control characters pass
 * through untouched.
 */
export async function lprSend(
  host: string,
  port: number = LPD_PORT,
  queue: string,
  data: Uint8Array | string,
  options: LprOptions = {},
): Promise<LprResult> {
  if (!QUEUE.test(queue)) throw new ZebraError("invalid-argument", `LPD queue must be 1-64 letters, digits or "_.+-", got ${showRaw(queue)}`);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new ZebraError("invalid-argument", `port must be 1-65535, got ${port}`);
  const jobNumber = options.jobNumber ?? Math.floor(Math.random() * 1000);
  if (!Number.isInteger(jobNumber) || jobNumber < 0 || jobNumber > 999)
    throw new ZebraError("invalid-argument", `job number must be 0-999, got ${jobNumber}`);
  const body = typeof data === "string" ? Buffer.from(data, "utf8") : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const hostName = controlField(options.hostname ?? os.hostname(), 31).replace(/[^A-Za-z0-9.-]/g, "") || "dca";
  const user = controlField(options.user ?? "dca", 31) || "dca";
  const jobName = controlField(options.jobName ?? "dca", 99) || "dca";
  const suffix = `${String(jobNumber).padStart(3, "0")}${hostName}`;
  const dataFileName = `dfA${suffix}`;
  const controlFileName = `cfA${suffix}`;
  const control = Buffer.from(
    [`H${hostName}`, `P${user}`, `J${jobName}`, `l${dataFileName}`, `U${dataFileName}`, `N${jobName}`, ""].join("\n"),
    "latin1",
  );
  const target = `LPD ${host.includes(":") ? `[${host}]` : host}:${port} queue "${queue}"`;

  const conn = await openConnection(host, port, options.localPort, options.timeoutMs ?? 10000, target);
  try {
    await conn.step("receive job", Buffer.from(`\x02${queue}\n`, "latin1"));
    await conn.step("control file header", Buffer.from(`\x02${control.length} ${controlFileName}\n`, "latin1"));
    await conn.step("control file", Buffer.concat([control, Buffer.from([0])]));
    await conn.step("data file header", Buffer.from(`\x03${body.length} ${dataFileName}\n`, "latin1"));
    await conn.step("data file", Buffer.concat([body, Buffer.from([0])]));
  } finally {
    conn.close();
  }
  return { controlFileName, dataFileName, bytes: body.length };
}

interface LpdConnection {
  /** Writes `bytes`, waits for one ack byte; throws `refused` unless it is 0. */
  step(what: string, bytes: Uint8Array): Promise<void>;
  close(): void;
}

function openConnection(host: string, port: number, localPort: number | undefined, timeoutMs: number, target: string): Promise<LpdConnection> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port, localPort });
    let failure: ZebraError | undefined;
    let waiting: { resolve: () => void; reject: (e: ZebraError) => void; what: string } | undefined;
    const fail = (e: ZebraError) => {
      failure ??= e;
      socket.destroy();
      if (waiting) waiting.reject(failure);
      waiting = undefined;
      reject(failure); // no-op once connected
    };
    const timer = setTimeout(() => fail(new ZebraError("deadline-exceeded", `${target}: no answer within ${timeoutMs} ms${waiting ? ` (waiting for the ${waiting.what} acknowledgement)` : ""}`)), timeoutMs);
    socket.on("error", (e) => fail(ZebraError.fromSocket(e, target)));
    socket.on("close", () => {
      clearTimeout(timer);
      fail(new ZebraError("permission-denied", `${target} closed the connection${waiting ? ` instead of acknowledging the ${waiting.what}` : ""}`));
    });
    socket.on("data", (chunk: Buffer) => {
      if (!waiting) return fail(new ZebraError("malformed", `${target} sent ${chunk.length} unexpected bytes: ${showRaw(chunk.toString("latin1"))}`));
      if (chunk[0] !== 0) {
        // BSD lpd refuses with a text line in place of the ack byte ("vm: lpd: Your host does not have line printer access").
        const said = chunk[0] >= 0x20 ? `: ${showRaw(chunk.toString("latin1").trim())}` : ` (acknowledgement 0x${chunk[0].toString(16).padStart(2, "0")})`;
        return fail(new ZebraError("permission-denied", `${target} refused the ${waiting.what}${said}`));
      }
      if (chunk.length > 1) return fail(new ZebraError("malformed", `${target} sent ${chunk.length - 1} bytes after acknowledging the ${waiting.what}`));
      const w = waiting;
      waiting = undefined;
      w.resolve();
    });
    socket.on("connect", () =>
      resolve({
        step: (what, bytes) =>
          new Promise<void>((res, rej) => {
            if (failure) return rej(failure);
            waiting = { resolve: res, reject: rej, what };
            socket.write(bytes);
          }),
        close: () => {
          clearTimeout(timer);
          socket.end();
        },
      }),
    );
  });
}
