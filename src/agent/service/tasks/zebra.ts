/**
 * The Zebra task: read a label printer's host status (~HS) and odometer
 * (~HQOD) into a reading of the device, send it ZPL/SGD as is (raw 9100 or
 * LPR 515), or get/set one SGD variable. A setvar value is never echoed back:
 * it may be a Wi-Fi key.
 */
import { create } from "@bufbuild/protobuf";
import { timestampFromDate } from "@bufbuild/protobuf/wkt";
import {
  TaskResultSchema,
  TaskStatus,
  ZebraAction,
  ZebraResultSchema,
  ZebraStatusSchema,
  type ZebraTask,
  ZebraTransport,
} from "../../../gen/dca/v1/agent_service_pb.ts";
import { type DeviceReading, DeviceReadingSchema, PrinterStatusSchema } from "../../../gen/dca/v1/reading_pb.ts";
import { parseEndpoint } from "../../../common/endpoint.ts";
import {
  LPD_PORT,
  ZEBRA_RAW_PORT,
  type ZebraHostStatus,
  lprSend,
  odometerCounters,
  readHostStatus,
  readOdometer,
  sgdGetvar,
  sgdSetvar,
  zebraRaw,
} from "../../zebra/index.ts";
import type { DiagnosticOutcome } from "./diagnostics.ts";

/** The most a task may send to a printer. */
export const MAX_ZEBRA_DATA = 1024 * 1024;

export interface ZebraOutcome extends DiagnosticOutcome {
  /** ZEBRA_ACTION_READ: the reading to store (merged into an SNMP reading when one is given). */
  reading?: DeviceReading;
}

/** ~HS flags as detected errors: the Host Resources names where one fits, else Zebra's. */
function detectedErrors(s: ZebraHostStatus): string[] {
  const out: string[] = [];
  if (s.paperOut) out.push("noPaper");
  if (s.headOpen) out.push("doorOpen");
  if (s.paused) out.push("offline");
  if (s.ribbonOut) out.push("ribbonOut");
  if (s.overTemp) out.push("overTemperature");
  if (s.underTemp) out.push("underTemperature");
  if (s.bufferFull) out.push("bufferFull");
  if (s.corruptRam) out.push("corruptRam");
  return out;
}

export async function runZebra(t: ZebraTask, snmpReading?: () => Promise<DeviceReading | undefined>): Promise<ZebraOutcome> {
  const { host } = parseEndpoint(t.address, 0);
  const lpr = t.transport === ZebraTransport.LPR;
  const port = t.port || (lpr ? LPD_PORT : ZEBRA_RAW_PORT);
  const result = create(ZebraResultSchema, { address: t.address, transport: lpr ? "lpr" : "raw", port });
  const done = (message: string, status = TaskStatus.DONE): ZebraOutcome => ({
    status,
    message,
    result: create(TaskResultSchema, { kind: { case: "zebra", value: result } }),
  });
  if (lpr && t.action !== ZebraAction.SEND) return done("over LPR a Zebra can only be sent data (action send); status and SGD need the raw port", TaskStatus.REFUSED);
  const opts = { port, timeoutMs: 5000 };

  switch (t.action) {
    case ZebraAction.SEND: {
      if (t.data.length === 0) return done("nothing to send: the task has no data", TaskStatus.REFUSED);
      if (t.data.length > MAX_ZEBRA_DATA) return done(`${t.data.length} bytes is more than the ${MAX_ZEBRA_DATA} a task may send`, TaskStatus.REFUSED);
      if (lpr) {
        const sent = await lprSend(host, port, t.queue || "zebra", t.data, { jobName: "dca-task", timeoutMs: 10_000 });
        result.bytesSent = sent.bytes;
        return done(`${sent.bytes} bytes sent to queue "${t.queue || "zebra"}" on ${host}:${port} (LPR job ${sent.controlFileName})`);
      }
      await zebraRaw(host, port, t.data, { expectReply: false, timeoutMs: 10_000 });
      result.bytesSent = t.data.length;
      return done(`${t.data.length} bytes sent to ${host}:${port}`);
    }
    case ZebraAction.GETVAR: {
      const value = await sgdGetvar(host, t.name, opts);
      result.found = value !== undefined;
      result.value = value ?? "";
      return done(value === undefined ? `${t.name}: the printer does not know this variable` : `${t.name} = "${value}"`);
    }
    case ZebraAction.SETVAR: {
      await sgdSetvar(host, t.name, t.value, opts);
      result.bytesSent = Buffer.byteLength(`! U1 setvar "${t.name}" "${t.value}"\r\n`);
      return done(`${t.name} set (Zebras do not confirm a setvar; read it back with getvar)`);
    }
    case ZebraAction.READ: {
      const status = await readHostStatus(host, opts);
      const odometer = await readOdometer(host, opts);
      const counters = odometerCounters(odometer);
      result.status = create(ZebraStatusSchema, {
        paperOut: status.paperOut,
        paused: status.paused,
        headOpen: status.headOpen,
        ribbonOut: status.ribbonOut,
        overTemperature: status.overTemp,
        underTemperature: status.underTemp,
        bufferFull: status.bufferFull,
        corruptRam: status.corruptRam,
        labelsRemaining: status.labelsRemaining,
        formatsInBuffer: status.formatsInBuffer,
        printMode: status.printMode,
        labelLengthDots: status.labelLengthDots,
      });
      result.counters = counters;
      const errors = detectedErrors(status);
      // The SNMP side gives identity and supplies when the printer answers SNMP; ~HS and ~HQOD add to it.
      const base = await snmpReading?.().catch(() => undefined);
      const reading = base ?? create(DeviceReadingSchema, { address: t.address, vendor: "Zebra", readAt: timestampFromDate(new Date()) });
      reading.counters = [...reading.counters.filter((c) => !c.oid.startsWith("zebra:")), ...counters];
      reading.status ??= create(PrinterStatusSchema, {});
      reading.status.detectedErrors = [...new Set([...reading.status.detectedErrors, ...errors])];
      const total = counters[0];
      const msg = `${host}: ${errors.length ? errors.join(", ") : "ready"}; odometer ${total ? `${total.value} ${odometer.totalNonResettableCm !== undefined ? "cm" : "in"}` : "not reported"}${base ? "" : " (no SNMP answer: identity from ~HS/~HQOD only)"}`;
      return { ...done(msg), reading };
    }
    default:
      return done("the task names no Zebra action (read, send, getvar or setvar)", TaskStatus.REFUSED);
  }
}
