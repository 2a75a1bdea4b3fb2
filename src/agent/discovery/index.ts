/**
 * Discovery: which addresses to sweep, the single-socket SNMP prober that
 * sweeps them, and the classifier that tells printers from everything else.
 *
 *   const targets = await resolveTargets(config.ranges, { exclude: config.exclude });
 *   const prober = createProber({ communities, timeoutMs: 1000, retries: 1 });
 *   for await (const answer of prober.sweep(targets)) {
 *     const verdict = await classifyDevice(answer, createProbeGetter(prober, answer, communities));
 *   }
 *   prober.close();
 */
export { type Classification, type SnmpGetter, classifyDevice } from "./classify.ts";
export { PRINTER_VENDORS, type PrinterVendor } from "./printer-vendors.ts";
export { createProbeGetter } from "./probe-getter.ts";
export {
  type ProbeAnswer,
  type ProbeVersion,
  type Prober,
  type ProberOptions,
  type RememberedCredential,
  type Sweep,
  type SweepProgress,
  createProber,
} from "./prober.ts";
export {
  type Resolver,
  type ResolveTargetsOptions,
  TARGET_FORMS,
  type Target,
  TargetError,
  type TargetResolveError,
  type TargetSet,
  resolveTargets,
  systemResolver,
} from "./targets.ts";
export type { Clock } from "../../common/clock.ts";
export type { SocketFactory } from "./udp-transport.ts";
