import { describe, expect, test } from "bun:test";
import { Tag } from "../../common/ber.ts";
import type { VarBind } from "./message.ts";
import { type WalkTransport, walkSubtree } from "./walk.ts";

const int = (oid: string, value = 1): VarBind => ({ oid, tag: Tag.Integer, value });
const end = (oid: string): VarBind => ({ oid, tag: Tag.EndOfMibView, value: null });

/** A transport whose GETBULK answers are scripted, recording every request. */
function scripted(version: 1 | 2, answers: (VarBind[] | Error)[]) {
  const asked: { op: string; oid: string; reps?: number }[] = [];
  const next = () => {
    const a = answers.shift();
    if (!a) throw new Error("script exhausted");
    if (a instanceof Error) throw a;
    return a;
  };
  const t: WalkTransport = {
    version,
    async getNext(oids) {
      asked.push({ op: "getNext", oid: oids[0] });
      return next();
    },
    async getBulk(oids, _n, reps) {
      asked.push({ op: "getBulk", oid: oids[0], reps });
      return next();
    },
    async get(oids) {
      asked.push({ op: "get", oid: oids[0] });
      return next();
    },
  };
  return { t, asked };
}

describe("walkSubtree", () => {
  test("collects rows across GETBULKs and stops when the subtree ends", async () => {
    const { t, asked } = scripted(2, [
      [int("1.3.6.1.2.1.43.11.1.1.9.1.1"), int("1.3.6.1.2.1.43.11.1.1.9.1.2")],
      [int("1.3.6.1.2.1.43.11.1.1.9.1.3"), int("1.3.6.1.2.1.43.12.1.1.4.1.1")],
    ]);
    const r = await walkSubtree(t, "1.3.6.1.2.1.43.11.1.1");
    expect(r.varbinds.map((v) => v.oid.split(".").pop())).toEqual(["1", "2", "3"]);
    expect(r.stopped).toBeUndefined();
    expect(asked[1].oid).toBe("1.3.6.1.2.1.43.11.1.1.9.1.2");
  });

  test("endOfMibView ends the walk cleanly", async () => {
    const { t } = scripted(2, [[int("1.3.6.1.4.1.9.1"), end("1.3.6.1.4.1.9.1")]]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.length).toBe(1);
    expect(r.stopped).toBeUndefined();
  });

  test("an agent that answers the same OID again is stopped; one that goes backwards too", async () => {
    const { t } = scripted(2, [[int("1.3.6.1.4.1.9.5")], [int("1.3.6.1.4.1.9.5")]]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.length).toBe(1);
    expect(r.stopped).toContain("agent loop");
    const back = scripted(2, [[int("1.3.6.1.4.1.9.5"), int("1.3.6.1.4.1.9.4")]]);
    expect((await walkSubtree(back.t, "1.3.6.1.4.1.9")).stopped).toContain("does not follow");
  });

  test("a duplicated OID inside a response is dropped and the walk goes on", async () => {
    const { t } = scripted(2, [
      [int("1.3.6.1.4.1.9.1", 7), int("1.3.6.1.4.1.9.1", 8), int("1.3.6.1.4.1.9.2", 9)],
      [end("1.3.6.1.4.1.9.2")],
    ]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.map((v) => `${v.oid}=${v.value}`)).toEqual(["1.3.6.1.4.1.9.1=7", "1.3.6.1.4.1.9.2=9"]);
    expect(r.stopped).toBeUndefined();
  });

  test("a value of an unreadable type mid-table is skipped and named", async () => {
    const bad: VarBind = { oid: "1.3.6.1.4.1.9.2", tag: Tag.NoSuchInstance, value: null };
    const { t } = scripted(2, [[int("1.3.6.1.4.1.9.1"), bad, int("1.3.6.1.4.1.9.3")], [end("1.3.6.1.4.1.9.3")]]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.map((v) => v.oid)).toEqual(["1.3.6.1.4.1.9.1", "1.3.6.1.4.1.9.3"]);
    expect(r.skipped?.map((s) => s.oid)).toEqual(["1.3.6.1.4.1.9.2"]);
    expect(r.stopped).toBeUndefined();
  });

  test("a value that makes responses unreadable is located, skipped and named", async () => {
    const unreadable = () => Object.assign(new Error("no response (timed out) (last datagram was unreadable: x)"), { code: "deadline-exceeded" });
    const { t, asked } = scripted(2, [
      [int("1.3.6.1.4.1.9.1.1")],
      unreadable(), // GETBULK from .1.1 would carry .1.2
      unreadable(), // GETNEXT from .1.1 is .1.2 alone
      unreadable(), // GET .1.2: it is the bad one
      [int("1.3.6.1.4.1.9.1.3"), end("1.3.6.1.4.1.9.1.3")],
    ]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9", { maxRepetitions: 5 });
    expect(r.varbinds.map((v) => v.oid)).toEqual(["1.3.6.1.4.1.9.1.1", "1.3.6.1.4.1.9.1.3"]);
    expect(r.skipped?.map((s) => s.oid)).toEqual(["1.3.6.1.4.1.9.1.2"]);
    expect(r.stopped).toBeUndefined();
    expect(asked.map((a) => `${a.op} ${a.oid}`)).toEqual([
      "getBulk 1.3.6.1.4.1.9",
      "getBulk 1.3.6.1.4.1.9.1.1",
      "getNext 1.3.6.1.4.1.9.1.1",
      "get 1.3.6.1.4.1.9.1.2",
      "getBulk 1.3.6.1.4.1.9.1.2",
    ]);
  });

  test("an unreadable response that cannot be pinned to one OID stops the walk, keeping the rows", async () => {
    const unreadable = () => Object.assign(new Error("response invalid"), { code: "malformed" });
    const { t } = scripted(2, [[int("1.3.6.1.4.1.9.1.1")], unreadable(), unreadable(), [int("1.3.6.1.4.1.9.1.2")]]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.length).toBe(1);
    expect(r.stopped).toContain("response invalid");
  });

  test("an agent that stops answering after a skip is not skipped through: the walk stops", async () => {
    const unreadable = () => Object.assign(new Error("no response (timed out) (last datagram was unreadable: x)"), { code: "deadline-exceeded" });
    const { t } = scripted(2, [[int("1.3.6.1.4.1.9.1.1")], unreadable(), unreadable(), unreadable(), unreadable(), unreadable()]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.length).toBe(1);
    expect(r.skipped?.map((s) => s.oid)).toEqual(["1.3.6.1.4.1.9.1.2"]);
    expect(r.stopped).toContain("unreadable");
  });

  test("numeric, not string, order: .10 follows .9", async () => {
    const { t } = scripted(2, [[int("1.3.6.1.4.1.9.9"), int("1.3.6.1.4.1.9.10")], [end("1.3.6.1.4.1.9.10")]]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.length).toBe(2);
    expect(r.stopped).toBeUndefined();
  });

  test("an oversize table is truncated at maxRows with a reason", async () => {
    const rows = Array.from({ length: 30 }, (_, i) => int(`1.3.6.1.4.1.9.${i + 1}`));
    const { t } = scripted(2, [rows]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9", { maxRows: 10 });
    expect(r.varbinds.length).toBe(10);
    expect(r.stopped).toContain("larger than 10 rows");
  });

  test("tooBig halves max-repetitions and goes on", async () => {
    const tooBig = Object.assign(new Error("tooBig"), { code: "resource-exhausted" });
    const { t, asked } = scripted(2, [tooBig, [int("1.3.6.1.4.1.9.1"), end("1.3.6.1.4.1.9.1")]]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9", { maxRepetitions: 20 });
    expect(r.varbinds.length).toBe(1);
    expect(asked.map((a) => a.reps)).toEqual([20, 10]);
  });

  test("a failed request keeps the rows read before it", async () => {
    const { t } = scripted(2, [[int("1.3.6.1.4.1.9.1")], new Error("no response (timed out)")]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.length).toBe(1);
    expect(r.stopped).toContain("timed out");
  });

  test("SNMPv1 walks with GETNEXT and ends at noSuchName", async () => {
    const noSuchName = Object.assign(new Error("NoSuchName"), { status: 2 });
    const { t, asked } = scripted(1, [[int("1.3.6.1.4.1.9.1")], [int("1.3.6.1.4.1.9.2")], noSuchName]);
    const r = await walkSubtree(t, "1.3.6.1.4.1.9");
    expect(r.varbinds.length).toBe(2);
    expect(r.stopped).toBeUndefined();
    expect(asked.every((a) => a.op === "getNext")).toBe(true);
  });

  test("a root answered with itself is an agent loop, not an empty table", async () => {
    const root = "1.3.6.1.2.1.43.10.2.1";
    const { t } = scripted(2, [[{ oid: root, tag: Tag.Null, value: null }]]);
    const r = await walkSubtree(t, root);
    expect(r.varbinds).toEqual([]);
    expect(r.stopped).toBe(`agent loop: asked for what follows ${root}, the agent answered ${root} itself`);
  });

  test("the root echoed before real rows is dropped and the rows are kept", async () => {
    const root = "1.3.6.1.2.1.43.10.2.1";
    const { t } = scripted(2, [[{ oid: root, tag: Tag.Null, value: null }, int(`${root}.4.1.1`, 7)], [end(`${root}.4.1.1`)]]);
    const r = await walkSubtree(t, root);
    expect(r.varbinds.map((v) => `${v.oid}=${v.value}`)).toEqual([`${root}.4.1.1=7`]);
    expect(r.stopped).toBeUndefined();
  });
});
