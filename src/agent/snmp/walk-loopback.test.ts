/**
 * The walk against a real UDP agent on loopback that serves one value net-snmp
 * cannot decode (an unknown ASN.1 tag) in the middle of a meter column: the
 * rows around it must still be read and the bad OID named.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import { type Socket, createSocket } from "node:dgram";
import { Tag, compareOids, parseOid } from "../../common/ber.ts";
import { type VarBind, PduType, decodeCommunityMessage, encodeCommunityMessage } from "./message.ts";
import { createNetSnmpSession } from "./net-snmp-session.ts";
import { secret } from "../../common/secret.ts";

const COL = "1.3.6.1.4.1.367.3.2.1.2.19.5.1.9";
const BAD = `${COL}.3`;
const MARK = new TextEncoder().encode("CORRUPT!");
const rows: VarBind[] = [1, 2, 3, 4, 5].map((i) =>
  i === 3 ? { oid: `${COL}.${i}`, tag: Tag.OctetString, value: MARK } : { oid: `${COL}.${i}`, tag: Tag.Counter32, value: i * 100 },
);

function after(oid: string): VarBind | undefined {
  const a = parseOid(oid);
  return rows.find((r) => compareOids(parseOid(r.oid), a) > 0);
}

/** Encodes a response; the marked value gets tag 0x47, which no SNMP decoder knows. */
function respond(requestId: number, varbinds: VarBind[]): Uint8Array {
  const bytes = encodeCommunityMessage({
    version: 1,
    community: new TextEncoder().encode("public"),
    pdu: { type: PduType.Response, requestId, errorStatus: 0, errorIndex: 0, varbinds },
  });
  for (let i = 2; i + MARK.length <= bytes.length; i++) {
    if (MARK.every((b, j) => bytes[i + j] === b) && bytes[i - 1] === MARK.length) bytes[i - 2] = 0x47;
  }
  return bytes;
}

let agent: Socket;
let port = 0;
const asked: string[] = [];
beforeAll(async () => {
  agent = createSocket("udp4");
  agent.on("message", (buf, from) => {
    const { pdu } = decodeCommunityMessage(new Uint8Array(buf));
    const oid = pdu.varbinds[0].oid;
    asked.push(`${pdu.type.toString(16)} ${oid}`);
    let out: VarBind[];
    if (pdu.type === PduType.Get) {
      out = pdu.varbinds.map((v) => rows.find((r) => r.oid === v.oid) ?? { oid: v.oid, tag: Tag.NoSuchInstance, value: null });
    } else {
      const reps = pdu.type === PduType.GetBulk ? pdu.errorIndex : 1;
      out = [];
      let cursor = oid;
      for (let i = 0; i < reps; i++) {
        const next = after(cursor);
        if (!next) {
          out.push({ oid: cursor, tag: Tag.EndOfMibView, value: null });
          break;
        }
        out.push(next);
        cursor = next.oid;
      }
    }
    agent.send(respond(pdu.requestId, out), from.port, from.address);
  });
  await new Promise<void>((resolve) => agent.bind(0, "127.0.0.1", resolve));
  port = agent.address().port;
});
afterAll(() => agent.close());

test("a value that does not decode mid-walk is skipped and named; the rows after it are read", async () => {
  const session = createNetSnmpSession({ host: "127.0.0.1", port, timeoutMs: 150, retries: 0 }, { name: "t", version: "v2c", community: secret("public") });
  try {
    const r = (await session.walk(COL)) as Awaited<ReturnType<typeof session.walk>> & { skipped?: { oid: string }[] };
    expect(r.varbinds.map((v) => `${v.oid}=${v.value}`)).toEqual([`${COL}.1=100`, `${COL}.2=200`, `${COL}.4=400`, `${COL}.5=500`]);
    expect(r.skipped?.map((s) => s.oid)).toEqual([BAD]);
    expect(r.stopped).toBeUndefined();
  } finally {
    session.close();
  }
});
