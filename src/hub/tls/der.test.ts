/**
 * DER encodings checked against byte strings worked out from X.690 and
 * RFC 5280 by hand (the OID for ecdsa-with-SHA256 is the one every ECDSA
 * certificate carries), and the SAN helpers against the address forms
 * agents use.
 */
import { describe, expect, test } from "bun:test";
import { bitString, boolean, children, context, element, ia5String, integer, nullValue, octetString, oid, readTlv, sequence, set, time, utf8String } from "./der.ts";
import { altNames, encodeAltNames, ipBytes } from "./subject-alt-names.ts";

const hex = (b: Uint8Array) => Buffer.from(b).toString("hex");

describe("DER writer", () => {
  test("OIDs", () => {
    expect(hex(oid("1.2.840.10045.4.3.2"))).toBe("06082a8648ce3d040302");
    expect(hex(oid("2.5.29.17"))).toBe("0603551d11");
    expect(hex(oid("1.3.6.1.5.5.7.3.1"))).toBe("06082b06010505070301");
    expect(() => oid("3.1")).toThrow("not an OID");
    expect(() => oid("1.x")).toThrow("not an OID");
  });

  test("integers are minimal and positive", () => {
    expect(hex(integer(0))).toBe("020100");
    expect(hex(integer(2))).toBe("020102");
    expect(hex(integer(127))).toBe("02017f");
    expect(hex(integer(128))).toBe("02020080");
    expect(hex(integer(256))).toBe("02020100");
    expect(hex(integer(Uint8Array.of(0, 0, 5)))).toBe("020105");
    expect(hex(integer(Uint8Array.of(0xff, 1)))).toBe("020300ff01");
    expect(() => integer(-1)).toThrow();
  });

  test("lengths switch to the long form at 128 bytes", () => {
    expect(hex(octetString(new Uint8Array(127))).slice(0, 4)).toBe("047f");
    expect(hex(octetString(new Uint8Array(128))).slice(0, 6)).toBe("048180");
    expect(hex(octetString(new Uint8Array(300))).slice(0, 8)).toBe("0482012c");
  });

  test("primitives", () => {
    expect(hex(boolean(true))).toBe("0101ff");
    expect(hex(boolean(false))).toBe("010100");
    expect(hex(nullValue())).toBe("0500");
    expect(hex(bitString(Uint8Array.of(0x06), 1))).toBe("03020106");
    expect(hex(utf8String("dé"))).toBe("0c0364c3a9");
    expect(hex(ia5String("vm"))).toBe("1602766d");
    expect(() => ia5String("dé")).toThrow("not ASCII");
  });

  test("times: UTCTime until 2049, GeneralizedTime from 2050", () => {
    const text = (d: Uint8Array) => Buffer.from(d.subarray(2)).toString();
    const utc = time(new Date(Date.UTC(2049, 11, 31, 23, 59, 58)));
    expect(utc[0]).toBe(0x17);
    expect(text(utc)).toBe("491231235958Z");
    const gen = time(new Date(Date.UTC(2050, 0, 2, 3, 4, 5)));
    expect(gen[0]).toBe(0x18);
    expect(text(gen)).toBe("20500102030405Z");
  });

  test("sets sort their elements, context tags wrap or replace", () => {
    expect(hex(set(integer(5), integer(1)))).toBe("3106020101020105");
    expect(hex(context(0, integer(2)))).toBe("a003020102");
    expect(hex(context(2, ia5String("vm"), "implicit"))).toBe("8202766d");
  });

  test("the reader walks what the writer wrote", () => {
    const big = octetString(new Uint8Array(200).fill(7));
    const doc = sequence(integer(1), big, sequence(nullValue()));
    const top = readTlv(doc, 0);
    expect(top.tag).toBe(0x30);
    expect(top.end).toBe(doc.length);
    const kids = children(doc, top);
    expect(kids.map((k) => k.tag)).toEqual([0x02, 0x04, 0x30]);
    expect(hex(element(doc, kids[1]))).toBe(hex(big));
    expect(() => readTlv(doc.subarray(0, doc.length - 1), 0)).toThrow("past the end");
  });
});

describe("subject alt names", () => {
  test("addresses to bytes", () => {
    expect(hex(ipBytes("127.0.0.1"))).toBe("7f000001");
    expect(hex(ipBytes("::1"))).toBe("00000000000000000000000000000001");
    expect(hex(ipBytes("fe80::1:2"))).toBe("fe800000000000000000000000010002");
    expect(hex(ipBytes("::ffff:10.0.0.7"))).toBe("00000000000000000000ffff0a000007");
    expect(hex(ipBytes("2001:db8:0:0:1:0:0:1"))).toBe("20010db8000000000001000000000001");
  });

  test("names are sorted by kind, deduplicated and canonical", () => {
    const names = altNames(["Hub.Example.COM.", "::1", "[0:0:0:0:0:0:0:1]", "127.0.0.1", "localhost", "localhost", "*.dca.example"]);
    expect(names.map((n) => `${n.kind}:${n.name}`)).toEqual(["dns:*.dca.example", "dns:hub.example.com", "dns:localhost", "ip:127.0.0.1", "ip:::1"]);
    expect(hex(encodeAltNames(altNames(["vm", "127.0.0.1"])))).toBe("300a8202766d87047f000001");
  });

  test("what is not a name is refused", () => {
    expect(() => altNames(["bad name"])).toThrow('"bad name" is not a host name or IP address');
    expect(() => altNames(["-x.example"])).toThrow("is not a host name");
    expect(() => altNames(["*.com"])).toThrow("is not a host name");
    expect(() => altNames([])).toThrow("at least one");
  });
});
