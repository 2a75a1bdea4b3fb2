import { describe, expect, test } from "bun:test";
import { Tag } from "../../../src/common/ber.ts";
import {
  type Pdu,
  PduType,
  decodeScopedPdu,
  decodeUsmParameters,
  decodeV3Message,
  encodeScopedPdu,
  encodeUsmParameters,
  encodeV3Message,
} from "../../../src/agent/snmp/message.ts";
import {
  type AuthProtocol,
  type PrivProtocol,
  UsmStatsOid,
  authDigestLength,
  decryptScopedPdu,
  encryptScopedPdu,
  localizeAuthKey,
  localizePrivKey,
  signMessage,
  verifyMessage,
} from "../usm.ts";
import { parseSnmprec } from "../snmprec.ts";
import { createResponder } from "./responder.ts";
import { createV3Engine } from "./v3-engine.ts";
import { UNKNOWN_CONTEXTS_OID } from "./v3-responder.ts";

const main = parseSnmprec("1.3.6.1.2.1.1.1.0|4|Printer\n1.3.6.1.2.1.1.3.0|67|100\n1.3.6.1.2.1.43.5.1.1.17.1|4|SERIAL\n", "main.snmprec");
const ctx = parseSnmprec("1.3.6.1.4.1.11.2.3.9.1.1.7.0|4|MDL:HP\n", "main@Jetdirect.snmprec");
const big = parseSnmprec(Array.from({ length: 300 }, (_, i) => `1.3.6.1.2.1.43.11.1.1.6.1.${i + 1}|4|supply ${i} ${"x".repeat(20)}`).join("\n"), "big.snmprec");
const ENGINE_ID = Buffer.from("80001f880473696d2074657374", "hex");

interface Creds {
  user: string;
  auth?: AuthProtocol;
  authPass?: string;
  priv?: PrivProtocol;
  privPass?: string;
}

/** A minimal v3 manager built from the shared codec and USM, to reach every branch of the engine. */
function request(
  c: Creds,
  o: {
    engineId?: Uint8Array;
    boots?: number;
    time?: number;
    context?: string;
    pdu?: Partial<Pdu>;
    maxSize?: number;
    reportable?: boolean;
    /** Encode the plaintext ScopedPDU length in the (legal) non-minimal long form. */
    longForm?: boolean;
  },
) {
  const engineId = o.engineId ?? ENGINE_ID;
  const level = c.priv ? 3 : c.auth ? 1 : 0;
  const pdu: Pdu = { type: PduType.Get, requestId: 77, errorStatus: 0, errorIndex: 0, varbinds: [{ oid: "1.3.6.1.2.1.1.1.0", tag: Tag.Null, value: null }], ...o.pdu };
  let scoped = encodeScopedPdu({ contextEngineId: engineId, contextName: Buffer.from(o.context ?? ""), pdu }).slice();
  if (o.longForm) scoped = Uint8Array.of(0x30, 0x81, scoped[1], ...scoped.subarray(2));
  const boots = o.boots ?? 1;
  const time = o.time ?? 0;
  const salt = Buffer.from("0102030405060708", "hex");
  const data = c.priv ? encryptScopedPdu(c.priv, localizePrivKey(c.priv, c.auth!, c.privPass!, engineId), scoped, salt, boots, time) : scoped;
  const usm = encodeUsmParameters({
    engineId,
    engineBoots: boots,
    engineTime: time,
    userName: Buffer.from(c.user),
    authParams: new Uint8Array(c.auth ? authDigestLength(c.auth) : 0),
    privParams: c.priv ? salt : new Uint8Array(0),
  });
  const flags = level | (o.reportable === false ? 0 : 4);
  const msg = encodeV3Message({ msgId: 9001, maxSize: o.maxSize ?? 65507, flags, securityModel: 3, securityParameters: usm, scopedPdu: data, encrypted: !!c.priv }).slice();
  if (c.auth) {
    const d = decodeV3Message(msg);
    signMessage(c.auth, localizeAuthKey(c.auth, c.authPass!, engineId), msg, d.securityParametersOffset + decodeUsmParameters(d.securityParameters).authParamsOffset);
  }
  return msg;
}

/** Decodes (and checks the digest of, and decrypts) a response with the same credentials. */
function decode(bytes: Uint8Array, c: Creds) {
  const m = decodeV3Message(bytes.slice());
  const usm = decodeUsmParameters(m.securityParameters);
  if (m.flags & 1) {
    const offset = m.securityParametersOffset + usm.authParamsOffset;
    const ok = verifyMessage(c.auth!, localizeAuthKey(c.auth!, c.authPass!, usm.engineId), bytes.slice(), offset, usm.authParams.length);
    expect(ok).toBe(true);
  }
  const plain =
    m.flags & 2
      ? decryptScopedPdu(c.priv!, localizePrivKey(c.priv!, c.auth!, c.privPass!, usm.engineId), m.scopedPdu, usm.privParams, usm.engineBoots, usm.engineTime)
      : m.scopedPdu;
  return { msgId: m.msgId, flags: m.flags, usm, scoped: decodeScopedPdu(plain) };
}

function setup() {
  let clock = 0;
  const engine = createV3Engine({
    engineId: ENGINE_ID,
    now: () => clock,
    users: [
      { name: "priv", authProtocol: "sha256", authKey: "authpass1", privProtocol: "aes256", privKey: "privpass1" },
      { name: "auth", authProtocol: "md5", authKey: "authpass2" },
      { name: "open" },
    ],
  });
  const responder = createResponder({ communities: new Map(), contexts: new Map([["", main], ["Jetdirect", ctx], ["Big", big]]), engine });
  return { responder, engine, tick: (seconds: number) => (clock += seconds * 1000) };
}

const PRIV: Creds = { user: "priv", auth: "sha256", authPass: "authpass1", priv: "aes256", privPass: "privpass1" };
const AUTH: Creds = { user: "auth", auth: "md5", authPass: "authpass2" };
const reportOf = (r: ReturnType<typeof decode>) => [r.scoped.pdu.type, r.scoped.pdu.varbinds[0].oid];

describe("v3 engine", () => {
  test("discovery: an empty engine ID gets a Report with the engine ID, boots and time", () => {
    const { responder, tick } = setup();
    tick(42);
    const r = decode(responder.respond(request({ user: "" }, { engineId: new Uint8Array(0) }))!, { user: "" });
    expect(reportOf(r)).toEqual([PduType.Report, UsmStatsOid.unknownEngineIds]);
    expect([r.msgId, r.flags, r.scoped.pdu.requestId]).toEqual([9001, 0, 77]);
    expect(Buffer.from(r.usm.engineId).toString("hex")).toBe(ENGINE_ID.toString("hex"));
    expect([r.usm.engineBoots, r.usm.engineTime]).toEqual([1, 42]);
  });

  test("an authPriv GET is answered authenticated and encrypted, in its context", () => {
    const { responder } = setup();
    const r = decode(responder.respond(request(PRIV, {}))!, PRIV);
    expect([r.flags, r.scoped.pdu.type]).toEqual([3, PduType.Response]);
    expect(Buffer.from(r.scoped.pdu.varbinds[0].value as Uint8Array).toString()).toBe("Printer");
    const c = decode(responder.respond(request(PRIV, { context: "Jetdirect", pdu: { type: PduType.GetNext, varbinds: [{ oid: "1.3", tag: Tag.Null, value: null }] } }))!, PRIV);
    expect(Buffer.from(c.scoped.contextName).toString()).toBe("Jetdirect");
    expect(c.scoped.pdu.varbinds[0].oid).toBe("1.3.6.1.4.1.11.2.3.9.1.1.7.0");
  });

  test("reports each USM failure in RFC 3414 order", () => {
    const { responder, engine } = setup();
    const ask = (c: Creds, o = {}) => reportOf(decode(responder.respond(request(c, o))!, c));
    expect(ask({ user: "nobody" })).toEqual([PduType.Report, UsmStatsOid.unknownUserNames]);
    expect(ask({ ...AUTH, priv: "des", privPass: "privpass2" })).toEqual([PduType.Report, UsmStatsOid.unsupportedSecLevels]);
    expect(ask({ ...AUTH, authPass: "wrongpass" })).toEqual([PduType.Report, UsmStatsOid.wrongDigests]);
    expect(ask({ ...PRIV, privPass: "wrongpass" })).toEqual([PduType.Report, UsmStatsOid.decryptionErrors]);
    expect(ask(AUTH, { context: "Nope" })).toEqual([PduType.Report, UNKNOWN_CONTEXTS_OID]);
    expect(engine.counters).toMatchObject({ unknownUserNames: 1, unsupportedSecLevels: 1, wrongDigests: 1, decryptionErrors: 1, unknownContexts: 1 });
  });

  test("a message outside the time window gets an authenticated notInTimeWindow Report", () => {
    const { responder, tick } = setup();
    tick(1000);
    expect(decode(responder.respond(request(AUTH, { time: 900 }))!, AUTH).scoped.pdu.type).toBe(PduType.Response);
    const r = decode(responder.respond(request(AUTH, { time: 800 }))!, AUTH);
    expect([r.flags, ...reportOf(r)]).toEqual([1, PduType.Report, UsmStatsOid.notInTimeWindows]);
    expect([r.usm.engineBoots, r.usm.engineTime]).toEqual([1, 1000]);
    expect(reportOf(decode(responder.respond(request(AUTH, { boots: 2, time: 1000 }))!, AUTH))[1]).toBe(UsmStatsOid.notInTimeWindows);
  });

  test("a request below the user's level is refused with authorizationError", () => {
    const { responder } = setup();
    const r = decode(responder.respond(request({ user: "priv" }, {}))!, { user: "priv" });
    expect([r.scoped.pdu.type, r.scoped.pdu.errorStatus]).toEqual([PduType.Response, 16]);
    expect(decode(responder.respond(request({ user: "open" }, {}))!, { user: "open" }).scoped.pdu.errorStatus).toBe(0);
  });

  test("a plaintext ScopedPDU with a long-form length is read (regression: message.ts assumed minimal lengths)", () => {
    const { responder } = setup();
    const r = decode(responder.respond(request(AUTH, { longForm: true }))!, AUTH);
    expect([r.scoped.pdu.type, r.scoped.pdu.errorStatus]).toEqual([PduType.Response, 0]);
  });

  test("non-reportable failures get no answer", () => {
    const { responder } = setup();
    expect(responder.respond(request({ user: "nobody" }, { reportable: false }))).toBeNull();
    expect(responder.stats.unsupported).toBe(1);
  });

  test("GETBULK fits the manager's msgMaxSize", () => {
    const { responder } = setup();
    const pdu = { type: PduType.GetBulk, errorStatus: 0, errorIndex: 1000, varbinds: [{ oid: "1.3", tag: Tag.Null, value: null } as const] };
    const large = decode(responder.respond(request(PRIV, { pdu, context: "Big" }))!, PRIV);
    expect(large.scoped.pdu.varbinds.length).toBe(301); // all rows, then endOfMibView
    const out = responder.respond(request(PRIV, { pdu, context: "Big", maxSize: 484 }))!;
    expect(out.length).toBeLessThanOrEqual(484);
    expect(out.length).toBeGreaterThan(400);
    expect(decode(out, PRIV).scoped.pdu.varbinds.length).toBeGreaterThan(5);
  });

  test("malformed v3 messages are dropped and counted", () => {
    const { responder } = setup();
    const good = request(PRIV, {});
    for (let cut = 1; cut < good.length; cut++) expect(responder.respond(good.slice(0, cut))).toBeNull();
    expect(responder.stats.internalErrors).toBe(0);
    expect(responder.stats.malformed).toBe(good.length - 1);
    expect(decode(responder.respond(request(PRIV, {}))!, PRIV).scoped.pdu.errorStatus).toBe(0);
  });
});
