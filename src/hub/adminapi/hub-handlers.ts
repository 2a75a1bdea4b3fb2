/**
 * AdminService: the hub's own files for the peers an operator may run
 * beside it (the `release`, `mqtt` and `relay` commands): releases, an
 * external mosquitto's password file, ACL and certificate, and the agents'
 * SSH keys for sshd as the relay. None is about one site: only a global
 * grant reaches them (src/hub/access/method-rules.ts).
 */
import type { ServiceImpl } from "@connectrpc/connect";
import type { AdminService } from "../../gen/dca/v1/admin_service_pb.ts";
import { DcaError } from "../../common/errors.ts";
import { BROKER_CERT_DAYS, issueBrokerCertificate } from "../mqtt/mosquitto-cert.ts";
import { DEFAULT_HUB_MQTT_USER, hubUserProblem, renderAclFile } from "../mqtt/mosquitto-files.ts";
import { authorizedKeys } from "../relay/authorized-keys.ts";
import type { AgentAdminStore, ReleaseStore } from "../store/index.ts";
import { note } from "./admin-call.ts";
import { createReleaseHandlers } from "./release-handlers.ts";
import { ts } from "./to-proto.ts";

/** At most this many names on one broker certificate. */
const MAX_BROKER_NAMES = 32;

/** What the hub-file handlers need. */
export interface HubHandlerDeps {
  store: ReleaseStore & Pick<AgentAdminStore, "listAgents" | "mqttPasswordEntries">;
  /** The data folder: releases/ and the hub's CA in tls/. */
  dataDir: string;
  /** The root public key releases are checked against; the built-in one by default (tests give their own). */
  trustRoot?: string;
  /** The wall clock (certificates' validity). */
  now?: () => Date;
}

type HubMethods = "getMqttPasswdFile" | "getMqttAclFile" | "issueBrokerCert" | "getRelayAuthorizedKeys";

/** The release, broker and relay methods. */
export function createHubHandlers(deps: HubHandlerDeps): Pick<ServiceImpl<typeof AdminService>, HubMethods | keyof ReturnType<typeof createReleaseHandlers>> {
  const { store } = deps;
  const now = deps.now ?? (() => new Date());
  return {
    ...createReleaseHandlers(deps),

    getMqttPasswdFile(_req, ctx) {
      const entries = store.mqttPasswordEntries();
      const listed = new Set(entries.map((e) => e.agentId));
      const unhashed = store.listAgents().filter((a) => !a.disabled && !a.replacedBy && !listed.has(a.id)).length;
      note(ctx, { target: "mqtt password file", detail: { agents: entries.length } });
      return { entries, unhashedAgents: unhashed };
    },

    getMqttAclFile(req) {
      const user = req.hubUser || DEFAULT_HUB_MQTT_USER;
      const problem = hubUserProblem(user);
      if (problem) throw new DcaError("usage", problem);
      return { text: renderAclFile(user), hubUser: user };
    },

    issueBrokerCert(req, ctx) {
      const names = [...new Set(req.names)];
      if (names.length === 0) throw new DcaError("usage", "give --name HOST: the name (or address) agents reach the broker by");
      if (names.length > MAX_BROKER_NAMES) throw new DcaError("usage", `a broker certificate takes at most ${MAX_BROKER_NAMES} names, got ${names.length}`);
      // The key leaves the hub once, in this answer; the audit record names the certificate, never the key.
      const cert = issueBrokerCertificate(deps.dataDir, names, { days: req.days ?? BROKER_CERT_DAYS, now: now() });
      note(ctx, { target: "mqtt broker certificate", detail: { names, notAfter: cert.notAfter.toISOString() } });
      const caPem = cert.chainPem.slice(cert.chainPem.indexOf("-----BEGIN CERTIFICATE-----", 1));
      return { certPem: cert.chainPem, keyPem: cert.keyPem, notAfter: ts(cert.notAfter), caPem };
    },

    getRelayAuthorizedKeys() {
      return { text: authorizedKeys(store) };
    },
  };
}
