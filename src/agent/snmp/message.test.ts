import { describe, expect, test } from "bun:test";
import { Tag } from "../../common/ber.ts";
import { PduType, decodeCommunityMessage, encodeCommunityMessage, type VarBind } from "./message.ts";

const MALFORMED = expect.objectContaining({ code: "malformed" });

describe("community message codec", () => {
  test("round-trips every value type", () => {
    const varbinds: VarBind[] = [
      { oid: "1.3.6.1.2.1.1.3.0", tag: Tag.TimeTicks, value: 4294967295 },
      { oid: "1.3.6.1.2.1.43.11.1.1.9.1.1", tag: Tag.Integer, value: -3 },
      { oid: "1.3.6.1.2.1.43.11.1.1.9.1.2", tag: Tag.Integer, value: 128 },
      { oid: "1.3.6.1.2.1.43.11.1.1.9.1.3", tag: Tag.Integer, value: -2147483648 },
      { oid: "1.3.6.1.2.1.1.1.0", tag: Tag.OctetString, value: new TextEncoder().encode("HP LaserJet") },
      { oid: "1.3.6.1.2.1.1.2.0", tag: Tag.Oid, value: "1.3.6.1.4.1.11.2.3.9.1" },
      { oid: "1.3.6.1.2.1.31.1.1.1.6.1", tag: Tag.Counter64, value: 18446744073709551615n },
      { oid: "1.3.6.1.2.1.4.20.1.1.1", tag: Tag.IpAddress, value: Uint8Array.of(10, 0, 0, 7) },
      { oid: "1.3.6.1.2.1.2.2.1.10.1", tag: Tag.Counter32, value: 2147483648 },
      { oid: "1.3.6.1.2.1.99.0", tag: Tag.NoSuchObject, value: null },
      { oid: "2.999.1", tag: Tag.EndOfMibView, value: null },
    ];
    const bytes = encodeCommunityMessage({
      version: 1,
      community: new TextEncoder().encode("public"),
      pdu: { type: PduType.Response, requestId: 0x7fffffff, errorStatus: 0, errorIndex: 0, varbinds },
    });
    const back = decodeCommunityMessage(bytes.slice());
    expect(back.version).toBe(1);
    expect(new TextDecoder().decode(back.community)).toBe("public");
    expect(back.pdu.requestId).toBe(0x7fffffff);
    expect(back.pdu.varbinds.map((v) => [v.oid, v.tag, v.value instanceof Uint8Array ? [...v.value] : v.value])).toEqual(
      varbinds.map((v) => [v.oid, v.tag, v.value instanceof Uint8Array ? [...v.value] : v.value]),
    );
  });

  test("decodes a hand-encoded v2c GET of sysDescr.0", () => {
    // GET sysDescr.0, community "public", encoded by hand from RFC 3416 / X.690
    const hex = "302902010104067075626c6963a01c020414b3a1ad020100020100300e300c06082b060102010101000500";
    const msg = decodeCommunityMessage(Buffer.from(hex, "hex"));
    expect(msg.pdu.type).toBe(PduType.Get);
    expect(msg.pdu.requestId).toBe(0x14b3a1ad);
    expect(msg.pdu.varbinds[0].oid).toBe("1.3.6.1.2.1.1.1.0");
  });

  test("rejects malformed packets as malformed", () => {
    const good = Buffer.from("302902010104067075626c6963a01c020414b3a1ad020100020100300e300c06082b060102010101000500", "hex");
    for (let cut = 1; cut < good.length; cut++) {
      expect(() => decodeCommunityMessage(good.subarray(0, cut))).toThrow(MALFORMED);
    }
    const lying = Buffer.from(good);
    lying[1] = 0x7f; // outer length larger than the packet
    expect(() => decodeCommunityMessage(lying)).toThrow(MALFORMED);
    expect(() => decodeCommunityMessage(Buffer.from("3084ffffffff", "hex"))).toThrow(MALFORMED);
  });
});
