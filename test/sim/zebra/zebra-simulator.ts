/**
 * A simulated Zebra on loopback: the raw port (9100-style) and an LPD port
 * (515-style), both kernel-chosen by default. Both feed one shared state, so
 * a label sent over LPD moves the odometer that ~HQOD then reports. Every
 * byte received is recorded for tests to assert on.
 */
import net from "node:net";
import { assertLoopback } from "../loopback.ts";
import { type LpdJob, createLpdSession } from "./lpd-session.ts";
import { createZebraInterpreter } from "./zebra-interpreter.ts";
import { type ZebraSimState, defaultZebraState } from "./zebra-state.ts";

/** Options for startZebraSimulator. */
export interface ZebraSimOptions {
  /** Loopback address to bind (default 127.0.0.1). */
  host?: string;
  /** Raw port (default 0: free). */
  rawPort?: number;
  /** LPD port (default 0: free; null: no LPD). */
  lpdPort?: number | null;
  /** Starting state (default: a ready printer). */
  state?: Partial<ZebraSimState>;
  /** LPD queues that exist (default: any). */
  lpdQueues?: string[];
}

/** A running simulator. */
export interface ZebraSimulator {
  readonly host: string;
  readonly rawPort: number;
  /** 0 when LPD is off. */
  readonly lpdPort: number;
  readonly state: ZebraSimState;
  /** Every byte received on the raw port, per connection, in order. */
  readonly rawReceived: Uint8Array[];
  /** Every byte received on the LPD port, per connection, in order. */
  readonly lpdReceived: Uint8Array[];
  /** Finished LPD jobs. */
  readonly jobs: LpdJob[];
  /** Makes the LPD port answer `ack` at one step (undefined: behave). */
  refuseLpd(step: "queue" | "control" | "data" | undefined, ack?: number): void;
  /** All raw-port bytes as latin1 text. */
  rawText(): string;
  close(): Promise<void>;
}

function listen(server: net.Server, host: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, host, () => {
      server.off("error", reject);
      resolve((server.address() as net.AddressInfo).port);
    });
  });
}

/** Starts the simulator; close() it when done. */
export async function startZebraSimulator(options: ZebraSimOptions = {}): Promise<ZebraSimulator> {
  const host = options.host ?? "127.0.0.1";
  assertLoopback(host);
  const state = defaultZebraState(options.state);
  const rawReceived: Uint8Array[] = [];
  const lpdReceived: Uint8Array[] = [];
  const jobs: LpdJob[] = [];
  const sockets = new Set<net.Socket>();
  let refusal: { step: string; ack: number } | undefined;

  const track = (socket: net.Socket, log: Uint8Array[]) => {
    sockets.add(socket);
    socket.on("close", () => sockets.delete(socket));
    socket.on("error", () => {});
    const index = log.push(new Uint8Array()) - 1;
    return (data: Buffer) => {
      log[index] = Buffer.concat([log[index], data]);
    };
  };

  const raw = net.createServer((socket) => {
    const record = track(socket, rawReceived);
    const interpreter = createZebraInterpreter(state);
    socket.on("data", (data: Buffer) => {
      record(data);
      const out = interpreter.feed(data);
      if (out.length > 0) socket.write(out);
    });
  });

  const lpd = net.createServer((socket) => {
    const record = track(socket, lpdReceived);
    const session = createLpdSession({
      acceptQueue: (q) => !options.lpdQueues || options.lpdQueues.includes(q),
      refuse: (step) => (refusal?.step === step ? refusal.ack : undefined),
      onJob(job) {
        jobs.push(job);
        // Each job is its own stream, as a printer's LPD spooler hands it over.
        const interpreter = createZebraInterpreter(state);
        for (const f of job.dataFiles) interpreter.feed(f.bytes);
      },
    });
    socket.on("data", (data: Buffer) => {
      record(data);
      const out = session.feed(data);
      if (out.length > 0) socket.write(out);
      if (session.closed) socket.end();
    });
  });

  const rawPort = await listen(raw, host, options.rawPort ?? 0);
  const lpdPort = options.lpdPort === null ? 0 : await listen(lpd, host, options.lpdPort ?? 0);

  return {
    host,
    rawPort,
    lpdPort,
    state,
    rawReceived,
    lpdReceived,
    jobs,
    refuseLpd(step, ack = 1) {
      refusal = step ? { step, ack } : undefined;
    },
    rawText: () => rawReceived.map((b) => Buffer.from(b).toString("latin1")).join(""),
    async close() {
      for (const s of sockets) s.destroy();
      await Promise.all(
        [raw, ...(lpdPort ? [lpd] : [])].map((srv) => new Promise<void>((r) => srv.close(() => r()))),
      );
    },
  };
}
