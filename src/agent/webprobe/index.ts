/**
 * The printer web probe: what each web port of one printer answers (status,
 * Server, title, redirect, TLS certificate), and HP LEDM consumables and
 * usage, which also make a DeviceReading. Every read is bounded and every
 * string from the device is cleaned before it leaves this folder.
 */
export {
  DEFAULT_MAX_BODY_BYTES,
  DEFAULT_WEB_PORTS,
  DEFAULT_WEB_TIMEOUT_MS,
  MAX_WEB_PORTS,
  type ProbeWebOptions,
  type ProbeWebOutcome,
  TLS_PORTS,
  probeWeb,
} from "./probe-web.ts";
export { WebProbeError } from "./web-probe-error.ts";
export { LEDM_PATHS, LEDM_USAGE_SOURCE, looksLikeHp, parseConsumables, parseProductConfig, parseUsage } from "./ledm.ts";
export { LEDM_CONSUMABLES_SOURCE, LEDM_PROFILE, ledmReading } from "./ledm-reading.ts";
export { USER_AGENT } from "./http-get.ts";
export { XmlError, parseXml } from "./xml-parse.ts";
