import { describe, expect, test } from "bun:test";
import { Tag } from "../../../src/common/ber.ts";
import { PduType, type VarBind, decodeCommunityMessage, encodeCommunityMessage } from "../../../src/agent/snmp/message.ts";
import { parseSnmprec } from "../snmprec.ts";
import { createResponder } from "./responder.ts";

const rec = parseSnmprec(
  [
    "1.3.6.1.2.1.1.1.0|4|Printer",
    "1.3.6.1.2.1.1.3.0|67|100",
    "1.3.6.1.2.1.2.2.1.10.1|65|10",
    "1.3.6.1.2.1.2.2.1.10.2|65|20",
    "1.3.6.1.2.1.2.2.1.16.1|65|16",
    "1.3.6.1.2.1.2.2.1.16.2|65|26",
    "1.3.6.1.2.1.2.2.1.17.1|65|6git3159",
    "1.3.6.1.2.1.2.2.1.18.1|65|18",
    "1.3.6.1.2.1.31.1.1.1.6.1|70|12345678901234",
    "1.3.6.1.2.1.43.5.1.1.17.1|4|SERIAL",
  ].join("\n"),
  "unit.snmprec",
);

function setup(maxResponseSize?: number) {
  const responder = createResponder({ communities: new Map([["public", rec]]), maxResponseSize });
  const ask = (type: number, oids: string[], opts: { version?: 0 | 1; community?: string; es?: number; ei?: number } = {}) => {
    const req = encodeCommunityMessage({
      version: opts.version ?? 1,
      community: Buffer.from(opts.community ?? "public"),
      pdu: { type, requestId: 4242, errorStatus: opts.es ?? 0, errorIndex: opts.ei ?? 0, varbinds: oids.map((oid) => ({ oid, tag: Tag.Null, value: null })) },
    }).slice();
    const out = responder.respond(req);
    if (!out) return null;
    const msg = decodeCommunityMessage(out.slice());
    expect(msg.pdu.type).toBe(PduType.Response);
    expect(msg.pdu.requestId).toBe(4242);
    return { ...msg.pdu, size: out.length };
  };
  return { responder, ask };
}

const text = (v: VarBind) =>
  v.value === null ? `x${v.tag.toString(16)}` : v.value instanceof Uint8Array ? Buffer.from(v.value).toString("latin1") : String(v.value);
const show = (vbs: VarBind[]) => vbs.map((v) => `${v.oid}=${text(v)}`);

describe("recordings that misbehave on purpose", () => {
  const odd = parseSnmprec(
    ["1.3.6.1.2.1.1.1.0|4|Printer", "1.3.6.1.4.1.9.1.1|65|1", "1.3.6.1.4.1.9.1.2|65|2", "1.3.6.1.4.1.9.1.2|65d|99", "1.3.6.1.4.1.9.1.3|65|3", "1.3.6.1.4.1.9.1.4|65r|4100"].join("\n"),
  );
  const responder = createResponder({ communities: new Map([["public", odd]]) });
  const ask = (type: number, oids: string[], ei = 0) =>
    responder.respond(
      encodeCommunityMessage({
        version: 1,
        community: Buffer.from("public"),
        pdu: { type, requestId: 7, errorStatus: 0, errorIndex: ei, varbinds: oids.map((oid) => ({ oid, tag: Tag.Null, value: null })) },
      }).slice(),
    );

  test("GETBULK serves a d-tagged OID twice in a row; GETNEXT moves past it", () => {
    const bulk = decodeCommunityMessage(ask(PduType.GetBulk, ["1.3.6.1.4.1.9.1"], 3)!.slice());
    expect(show(bulk.pdu.varbinds)).toEqual(["1.3.6.1.4.1.9.1.1=1", "1.3.6.1.4.1.9.1.2=2", "1.3.6.1.4.1.9.1.2=99"]);
    const next = decodeCommunityMessage(ask(PduType.GetNext, ["1.3.6.1.4.1.9.1.2"])!.slice());
    expect(show(next.pdu.varbinds)).toEqual(["1.3.6.1.4.1.9.1.3=3"]);
  });

  test("an r-tagged value goes out byte for byte, inside a well-framed response", () => {
    const out = ask(PduType.Get, ["1.3.6.1.4.1.9.1.4"])!.slice();
    expect(Buffer.from(out).toString("hex").endsWith("06082b06010401090104" + "4100")).toBe(true);
    // Our strict decoder refuses the zero-length Counter32, as a manager's would.
    expect(() => decodeCommunityMessage(out)).toThrow();
  });
});

describe("v2c", () => {
  test("GET returns values and the right exception per varbind", () => {
    const { ask } = setup();
    const r = ask(PduType.Get, ["1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.1.3.1", "1.3.6.1.2.1.99.0", "1.3.6.1.2.1.2.2.1.17.1"]);
    expect(r?.errorStatus).toBe(0);
    expect(show(r!.varbinds)).toEqual([
      "1.3.6.1.2.1.1.3.0=100",
      "1.3.6.1.2.1.1.3.1=x81", // noSuchInstance: the object has other instances
      "1.3.6.1.2.1.99.0=x80", // noSuchObject
      "1.3.6.1.2.1.2.2.1.17.1=x81", // the invalid recorded value, as snmpsim serves it
    ]);
  });

  test("GETNEXT skips the invalid value and ends with endOfMibView", () => {
    const { ask } = setup();
    const r = ask(PduType.GetNext, ["1.3.6.1.2.1.2.2.1.16.2", "1.3.6.1.2.1.43.5.1.1.17.1", "1.3"]);
    expect(show(r!.varbinds)).toEqual([
      "1.3.6.1.2.1.2.2.1.18.1=18",
      "1.3.6.1.2.1.43.5.1.1.17.1=x82",
      "1.3.6.1.2.1.1.1.0=Printer",
    ]);
  });

  test("GETBULK: non-repeaters first, then rows, then endOfMibView once a column ends", () => {
    const { ask } = setup();
    const r = ask(PduType.GetBulk, ["1.3.6.1.2.1.1.1", "1.3.6.1.2.1.2.2.1.16", "1.3.6.1.2.1.31.1.1.1.6"], { es: 1, ei: 3 });
    expect(show(r!.varbinds)).toEqual([
      "1.3.6.1.2.1.1.1.0=Printer",
      "1.3.6.1.2.1.2.2.1.16.1=16",
      "1.3.6.1.2.1.31.1.1.1.6.1=12345678901234",
      "1.3.6.1.2.1.2.2.1.16.2=26",
      "1.3.6.1.2.1.43.5.1.1.17.1=SERIAL",
      "1.3.6.1.2.1.2.2.1.18.1=18",
      "1.3.6.1.2.1.43.5.1.1.17.1=x82",
    ]);
  });

  test("GETBULK stops when every column is past the end", () => {
    const { ask } = setup();
    const r = ask(PduType.GetBulk, ["1.3.6.1.2.1.43.5.1.1.17"], { es: 0, ei: 50 });
    expect(show(r!.varbinds)).toEqual(["1.3.6.1.2.1.43.5.1.1.17.1=SERIAL", "1.3.6.1.2.1.43.5.1.1.17.1=x82"]);
  });

  test("GETBULK returns fewer rows to fit the maximum size, whatever max-repetitions says", () => {
    const { ask } = setup(200);
    const r = ask(PduType.GetBulk, ["1.3"], { es: 0, ei: 0x7fffffff });
    expect(r!.size).toBeLessThanOrEqual(200);
    expect(r!.varbinds.length).toBeGreaterThan(3);
    expect(r!.varbinds.length).toBeLessThan(rec.size);
    expect(r!.errorStatus).toBe(0);
  });

  test("a GET that cannot fit answers tooBig with no varbinds", () => {
    const { ask } = setup(60);
    const r = ask(PduType.Get, ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.1.3.0", "1.3.6.1.2.1.43.5.1.1.17.1"]);
    expect(r?.errorStatus).toBe(1);
    expect(r?.varbinds).toEqual([]);
  });

  test("SET is refused with notWritable", () => {
    const { ask } = setup();
    const r = ask(PduType.Set, ["1.3.6.1.2.1.1.1.0"]);
    expect([r?.errorStatus, r?.errorIndex]).toEqual([17, 1]);
  });
});

describe("v1", () => {
  test("a missing OID is noSuchName with its index, and the request's varbinds come back", () => {
    const { ask } = setup();
    const r = ask(PduType.Get, ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.99.0"], { version: 0 });
    expect([r?.errorStatus, r?.errorIndex]).toEqual([2, 2]);
    expect(show(r!.varbinds)).toEqual(["1.3.6.1.2.1.1.1.0=x5", "1.3.6.1.2.1.99.0=x5"]);
  });

  test("Counter64 does not exist in v1: GET fails, GETNEXT skips it", () => {
    const { ask } = setup();
    expect(ask(PduType.Get, ["1.3.6.1.2.1.31.1.1.1.6.1"], { version: 0 })?.errorStatus).toBe(2);
    const r = ask(PduType.GetNext, ["1.3.6.1.2.1.2.2.1.18.1"], { version: 0 });
    expect(show(r!.varbinds)).toEqual(["1.3.6.1.2.1.43.5.1.1.17.1=SERIAL"]);
  });

  test("GETNEXT past the end is noSuchName", () => {
    const { ask } = setup();
    const r = ask(PduType.GetNext, ["1.3.6.1.2.1.1.1.0", "1.3.6.1.2.1.43.5.1.1.17.1"], { version: 0 });
    expect([r?.errorStatus, r?.errorIndex]).toEqual([2, 2]);
  });

  test("GETBULK is dropped and counted", () => {
    const { ask, responder } = setup();
    expect(ask(PduType.GetBulk, ["1.3"], { version: 0 })).toBeNull();
    expect(responder.stats.unsupported).toBe(1);
  });
});

describe("what gets dropped", () => {
  test("an unknown community gets no answer", () => {
    const { ask, responder } = setup();
    expect(ask(PduType.Get, ["1.3.6.1.2.1.1.1.0"], { community: "private" })).toBeNull();
    expect(responder.stats.badCommunity).toBe(1);
  });

  test("malformed datagrams are counted, never thrown, and the next good one is answered", () => {
    const { ask, responder } = setup();
    const good = encodeCommunityMessage({
      version: 1,
      community: Buffer.from("public"),
      pdu: { type: PduType.GetNext, requestId: 1, errorStatus: 0, errorIndex: 0, varbinds: [{ oid: "1.3", tag: Tag.Null, value: null }] },
    }).slice();
    const bad: Uint8Array[] = [];
    for (let cut = 0; cut < good.length; cut++) bad.push(good.slice(0, cut));
    bad.push(Buffer.from("3084ffffffff020101", "hex")); // huge outer length
    bad.push(Buffer.from("30820fff020101", "hex"));
    bad.push(Buffer.concat([good, Buffer.from([0])])); // trailing octet
    // OID 1.3.0.1 with its third arc padded as 80 01 (X.690 forbids the leading 0x80).
    bad.push(Buffer.from("302102010104067075626c6963a014020101020100020100300930070603" + "2b8001" + "0500", "hex"));
    let seed = 7;
    for (let i = 0; i < 2000; i++) {
      const junk = new Uint8Array(1 + (i % 90));
      for (let j = 0; j < junk.length; j++) junk[j] = (seed = (seed * 1103515245 + 12345) & 0x7fffffff) & 0xff;
      if (i % 3 === 0) junk[0] = 0x30;
      bad.push(junk);
    }
    for (const b of bad) expect(responder.respond(b)).toBeNull();
    expect(responder.stats.internalErrors).toBe(0);
    expect(responder.stats.malformed + responder.stats.unsupported + responder.stats.badCommunity).toBe(bad.length);
    expect(ask(PduType.Get, ["1.3.6.1.2.1.1.1.0"])?.varbinds[0].value).toEqual(Buffer.from("Printer"));
  });
});
