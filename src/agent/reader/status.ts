/** Printer status from HOST-RESOURCES-MIB: device and printer status, detected error bits. */
import { create } from "@bufbuild/protobuf";
import { type PrinterStatus, PrinterStatusSchema } from "../../gen/dca/v1/reading_pb.ts";
import { toHex } from "../../common/text.ts";
import { DETECTED_ERROR_BITS, hrDeviceStatusName, hrPrinterStatusName } from "./mib-names.ts";
import { OID } from "./oids.ts";
import { type Table, bytesOf, numberOf, oidOf, rowIndexes } from "./values.ts";

/** Decodes hrPrinterDetectedErrorState: bit 0 is the high bit of the first octet. */
export function decodeErrorBits(bytes: Uint8Array): string[] {
  const out: string[] = [];
  for (let i = 0; i < bytes.length * 8; i++) {
    if (bytes[i >> 3] & (0x80 >> (i & 7))) out.push(DETECTED_ERROR_BITS[i] ?? `bit${i}`);
  }
  return out;
}

/** The hrDeviceIndex of the printer: the first hrDeviceTable row typed hrDevicePrinter, else 1. */
export function printerDeviceIndex(devices: Table): string {
  for (const idx of rowIndexes(devices, 2)) if (oidOf(devices.get(2)?.get(idx)) === OID.hrDevicePrinter) return idx;
  return "1";
}

export function buildStatus(devices: Table, printers: Table): PrinterStatus {
  const idx = printerDeviceIndex(devices);
  const bits = bytesOf(printers.get(2)?.get(idx));
  return create(PrinterStatusSchema, {
    printerStatus: hrPrinterStatusName(numberOf(printers.get(1)?.get(idx))),
    deviceStatus: hrDeviceStatusName(numberOf(devices.get(5)?.get(idx))),
    detectedErrors: bits ? decodeErrorBits(bits) : [],
    detectedErrorStateHex: bits ? toHex(bits) : "",
  });
}
