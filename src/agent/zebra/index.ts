/**
 * Zebra label printers over their raw port (9100: ~HS, ~HQOD, SGD) and over
 * LPD (RFC 1179 on 515). Every reply is size-bounded and every string from
 * a printer is cleaned before it leaves this folder.
 */
export { ZebraError } from "./zebra-error.ts";
export { MAX_REPLY_BYTES, ZEBRA_RAW_PORT, type ZebraRawOptions, zebraRaw } from "./zebra-raw.ts";
export { type ZebraHostStatus, type ZebraReadOptions, parseHostStatus, readHostStatus } from "./host-status.ts";
export { ODOMETER_SOURCE, type ZebraMeter, type ZebraOdometer, odometerCounters, parseOdometer, readOdometer } from "./odometer.ts";
export { sgdGetvar, sgdSetvar } from "./sgd.ts";
export { LPD_PORT, type LprOptions, type LprResult, lprSend } from "./lpr-send.ts";
