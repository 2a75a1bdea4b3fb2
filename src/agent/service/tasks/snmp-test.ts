/**
 * The SNMP test task: each of the site's credentials against one address,
 * one GET of sysDescr and sysObjectID each, and which answered. Only the
 * credential's name and version leave the agent, never a community or a
 * password (an error text from the SNMP layer is checked for them too).
 */
import { plural } from "../../../common/text.ts";
import { create } from "@bufbuild/protobuf";
import { SnmpCredentialCheckSchema, SnmpTestResultSchema, type SnmpTestTask, TaskResultSchema, TaskStatus } from "../../../gen/dca/v1/agent_service_pb.ts";
import { SnmpVersion } from "../../../gen/dca/v1/reading_pb.ts";
import type { Config } from "../../../common/config/index.ts";
import { parseEndpoint } from "../../../common/endpoint.ts";
import { OID } from "../../reader/oids.ts";
import { oidOf, textOf } from "../../reader/values.ts";
import type { Credential } from "../../../common/credential.ts";
import { createNetSnmpSession } from "../../snmp/net-snmp-session.ts";
import { SnmpError, isException } from "../../snmp/session.ts";
import type { DiagnosticOutcome } from "./diagnostics.ts";

const VERSION = { v1: SnmpVersion.V1, v2c: SnmpVersion.V2C, v3: SnmpVersion.V3 } as const;

function secretsOf(c: Credential): string[] {
  if (c.version !== "v3") return [c.community.reveal()];
  return [c.auth?.password, c.priv?.password].flatMap((s) => (s ? [s.reveal()] : []));
}

/** An error text with any of the credential's secrets cut out. */
function scrub(text: string, c: Credential): string {
  let out = text;
  for (const s of secretsOf(c)) if (s.length >= 3) out = out.split(s).join("***");
  return out.slice(0, 300);
}

export async function runSnmpTest(t: SnmpTestTask, config: Config): Promise<DiagnosticOutcome> {
  const { host, port } = parseEndpoint(t.address, config.snmp.port);
  const creds = config.credentials;
  const checks = await Promise.all(
    creds.map(async (c) => {
      const session = createNetSnmpSession({ host, port, timeoutMs: config.snmp.timeout, retries: config.snmp.retries }, c);
      const started = performance.now();
      try {
        const vbs = await session.get([OID.sysDescr, OID.sysObjectID]);
        const rttMs = Math.round((performance.now() - started) * 10) / 10;
        const [descr, oid] = vbs;
        if (!descr || isException(descr)) return { c, ok: false, error: "answered without sysDescr", rttMs };
        return { c, ok: true, error: "", rttMs, sysDescr: textOf(descr).slice(0, 255), sysObjectId: oid && !isException(oid) ? oidOf(oid) : "" };
      } catch (e) {
        const err = SnmpError.from(e);
        const why = err.code === "deadline-exceeded" ? "no answer (timeout: wrong community, SNMP off, or a firewall)" : err.code === "unauthenticated" ? `authentication failed: ${err.message}` : err.message;
        return { c, ok: false, error: scrub(why, c), rttMs: 0 };
      } finally {
        session.close();
      }
    }),
  );
  const result = create(SnmpTestResultSchema, {
    address: t.address,
    credentials: checks.map((k) =>
      create(SnmpCredentialCheckSchema, {
        name: k.c.name,
        version: VERSION[k.c.version],
        ok: k.ok,
        error: k.error,
        sysDescr: k.sysDescr ?? "",
        sysObjectId: k.sysObjectId ?? "",
        rttMs: k.rttMs,
      }),
    ),
  });
  const working = checks.filter((k) => k.ok).map((k) => k.c.name);
  const message = working.length
    ? `${t.address}: ${working.length} of ${plural(checks.length, "credential")} work: ${working.join(", ")}`
    : `${t.address}: none of ${plural(checks.length, "credential")} work (${checks.map((k) => `${k.c.name}: ${k.error}`).join("; ")})`;
  return {
    status: working.length ? TaskStatus.DONE : TaskStatus.FAILED,
    message: message.slice(0, 1500),
    result: create(TaskResultSchema, { kind: { case: "snmpTest", value: result } }),
  };
}
