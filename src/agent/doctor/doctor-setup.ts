/**
 * What `dca doctor` checks against, resolved the way the agent resolves it:
 * the hub, its trust and the proxy from the identity in the state folder
 * (or the command line before activation), the broker URLs the hub last
 * gave, and the SNMP credentials of the site's saved config.
 */
import { type Config, configFromProto } from "../../common/config/index.ts";
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { type Identity, loadIdentity } from "../state/index.ts";
import { createRuntimeStore } from "../service/runtime-state.ts";
import { type HubEndpoint, type ProxyEndpoint, chooseProxy, normalizeFingerprint } from "../transport/index.ts";
import { parseHubUrl } from "../transport/hub-endpoint.ts";
import { type WakeSettings, loadWakeSettings } from "../wake/index.ts";
import { configFromArgs } from "../cli/options.ts";
import { caFromFlag } from "../cli/activate-command.ts";
import { loadConfig } from "../config/load-config.ts";

/** Everything the checks need. */
export interface DoctorSetup {
  stateDir: string;
  /** The agent's identity, when activated and its hub is the one checked (its credential is then used). */
  identity?: Identity;
  hubUrl: string;
  hub: HubEndpoint;
  /** The hub's CA (PEM) and pin, as the agent trusts it; neither: the system roots. */
  caPem?: string;
  pin?: string;
  /** The proxy URL given (--proxy, else at activation; for the wake-up line, which chooses per broker), and the one chosen for the hub (the given one, else $HTTPS_PROXY). */
  proxyUrl?: string;
  proxy?: ProxyEndpoint;
  /** Where the proxy choice came from, in words. */
  proxySource: string;
  /** The broker URLs and login the agent uses, and where they came from; "none": the hub names no broker. */
  wake: { settings: WakeSettings | "none"; source: string };
  /** The printer to try, and the credentials to try on it. */
  printer?: { address: string; config: Config; source: string };
}

/** The options `dca doctor` takes beside the SNMP ones. */
export const DOCTOR_FLAGS = ["state", "hub", "ca", "ca-fingerprint", "proxy", "printer"] as const;

/** Resolves the setup; a command line that cannot work is a UsageError. */
export function resolveDoctorSetup(p: ParsedArgs, stateDir: string): DoctorSetup {
  const saved = loadIdentity(stateDir);
  const hubUrl = flag(p, "hub") ?? saved?.hubUrl;
  if (!hubUrl) throw new UsageError(`this agent is not activated (state folder ${stateDir}): give the hub to check with --hub https://HOST:PORT`);
  let hub: HubEndpoint;
  try {
    hub = parseHubUrl(hubUrl);
  } catch (e) {
    throw new UsageError(`--hub: ${(e as Error).message}`);
  }
  // The credential goes only to the hub it belongs to.
  const identity = saved && parseHubUrl(saved.hubUrl).origin === hub.origin ? saved : undefined;
  const trust = trustFrom(p, identity);
  const proxyUrl = flag(p, "proxy") ?? identity?.proxyUrl;
  let proxy: ProxyEndpoint | undefined;
  try {
    proxy = chooseProxy(hub, proxyUrl ? { url: proxyUrl } : undefined);
  } catch (e) {
    throw new UsageError(`${flag(p, "proxy") ? "--proxy" : identity?.proxyUrl ? "the proxy saved at activation" : "$HTTPS_PROXY"}: ${(e as Error).message}`);
  }
  const proxySource = flag(p, "proxy") ? "--proxy" : identity?.proxyUrl ? "given at activation" : proxy ? "$HTTPS_PROXY" : "";
  return {
    stateDir,
    identity,
    hubUrl,
    hub,
    ...trust,
    proxyUrl,
    proxy,
    proxySource,
    wake: wakeFrom(stateDir, hub, identity),
    printer: printerFrom(p, stateDir),
  };
}

function trustFrom(p: ParsedArgs, identity: Identity | undefined): { caPem?: string; pin?: string } {
  const caPem = caFromFlag(p);
  if (caPem !== undefined) return { caPem };
  const fingerprint = flag(p, "ca-fingerprint");
  if (fingerprint) {
    try {
      return { pin: normalizeFingerprint(fingerprint) };
    } catch (e) {
      throw new UsageError(`--ca-fingerprint: ${(e as Error).message}`);
    }
  }
  return { caPem: identity?.caPem, pin: identity?.caFingerprint ? normalizeFingerprint(identity.caFingerprint) : undefined };
}

/** The embedded broker's own URLs for a hub: what a hub with default settings tells its agents. */
function defaultBrokerUrls(hub: HubEndpoint): string[] {
  const host = hub.authority.slice(0, hub.authority.lastIndexOf(":"));
  return [`wss://${hub.authority}/mqtt`, `mqtts://${host}:8883`];
}

function wakeFrom(stateDir: string, hub: HubEndpoint, identity: Identity | undefined): DoctorSetup["wake"] {
  const saved = identity ? loadWakeSettings(stateDir) : undefined;
  if (saved === "none") return { settings: "none", source: "the hub names no MQTT broker (dca-hub serve --no-mqtt?)" };
  if (saved) return { settings: saved, source: "as the hub last told this agent" };
  const id = identity?.agentId ?? "";
  return {
    settings: { urls: defaultBrokerUrls(hub), topic: `dca/agents/${id}/wake`, username: id, clientId: id },
    source: "the hub's default broker URLs (this agent has no saved broker settings yet)",
  };
}

function printerFrom(p: ParsedArgs, stateDir: string): DoctorSetup["printer"] {
  const address = flag(p, "printer");
  if (!address) return undefined;
  const given = ["community", "v3-user", "config"].some((f) => p.flags.has(f));
  if (given) return { address, config: configFromArgs(p), source: "the command line" };
  const site = createRuntimeStore(stateDir).loadConfig();
  if (site) return { address, config: configFromProto(site), source: "the site's saved config" };
  return { address, config: loadConfig(undefined, {}), source: "the default (SNMPv2c public)" };
}
