/**
 * The LPD side of the simulator: RFC 1179 "receive a printer job" (0x02)
 * with its subcommands (0x01 abort, 0x02 control file, 0x03 data file),
 * each acknowledged with 0x00, or 0x01 for an unknown queue or a bad
 * subcommand. A finished job's data files go to the printer's interpreter.
 */

/** One job as received. */
export interface LpdJob {
  queue: string;
  /** Control file lines (H, P, J, l, N...). */
  control: string[];
  controlFileName: string;
  dataFiles: { name: string; bytes: Uint8Array }[];
}

/** What the session needs from the server. */
export interface LpdSessionHooks {
  /** Whether the queue exists. */
  acceptQueue(queue: string): boolean;
  /** Called once per finished job (control file and data files all received). */
  onJob(job: LpdJob): void;
  /** Non-zero ack to send for this step instead of 0x00 (tests of a refusing server). */
  refuse?(step: "queue" | "control" | "data"): number | undefined;
}

/** Longest file the simulator takes (it answers 0x01 beyond). */
const MAX_FILE = 16 * 1024 * 1024;

/** Per-connection state machine; `feed` returns the bytes to send back. */
export function createLpdSession(hooks: LpdSessionHooks) {
  let buf = Buffer.alloc(0);
  let job: LpdJob | undefined;
  // While receiving a file: its kind, name and remaining length (plus the trailing NUL).
  let file: { kind: "control" | "data"; name: string; length: number } | undefined;
  let closed = false;

  const finishIfWhole = () => {
    if (job && job.control.length > 0 && job.dataFiles.length > 0) {
      hooks.onJob(job);
      job = { ...job, control: [], controlFileName: "", dataFiles: [] };
    }
  };

  function line(): string | undefined {
    const nl = buf.indexOf(0x0a);
    if (nl < 0) return undefined;
    const text = buf.subarray(0, nl).toString("latin1");
    buf = buf.subarray(nl + 1);
    return text;
  }

  function feed(bytes: Uint8Array): Uint8Array {
    if (closed) return new Uint8Array();
    buf = Buffer.concat([buf, bytes]);
    const out: number[] = [];
    for (;;) {
      if (file) {
        if (buf.length < file.length + 1) break;
        const body = new Uint8Array(buf.subarray(0, file.length));
        const nul = buf[file.length];
        buf = buf.subarray(file.length + 1);
        const refused = hooks.refuse?.(file.kind);
        if (nul !== 0 || refused) {
          out.push(refused || 1);
          file = undefined;
          continue;
        }
        if (file.kind === "control") {
          job!.control = Buffer.from(body).toString("latin1").split("\n").filter((l) => l !== "");
          job!.controlFileName = file.name;
        } else job!.dataFiles.push({ name: file.name, bytes: body });
        file = undefined;
        out.push(0);
        finishIfWhole();
        continue;
      }
      const text = line();
      if (text === undefined) break;
      const code = text.charCodeAt(0);
      if (!job) {
        // Top-level command: only 0x02 (receive job) is served; others get a refusal and a close.
        const queue = text.slice(1);
        const refused = hooks.refuse?.("queue");
        if (code !== 2 || !hooks.acceptQueue(queue) || refused) {
          out.push(refused || 1);
          closed = true;
          break;
        }
        job = { queue, control: [], controlFileName: "", dataFiles: [] };
        out.push(0);
        continue;
      }
      if (code === 1) {
        job = { ...job, control: [], controlFileName: "", dataFiles: [] };
        out.push(0);
        continue;
      }
      const m = /^(\d{1,10}) (\S{1,255})$/.exec(text.slice(1));
      if ((code !== 2 && code !== 3) || !m || Number(m[1]) > MAX_FILE) {
        out.push(1);
        continue;
      }
      file = { kind: code === 2 ? "control" : "data", name: m[2], length: Number(m[1]) };
      out.push(0);
    }
    return Uint8Array.from(out);
  }

  return {
    feed,
    /** True after a refused top-level command: the server closes the connection. */
    get closed() {
      return closed;
    },
  };
}
