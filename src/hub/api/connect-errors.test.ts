import { describe, expect, test } from "bun:test";
import { Code, ConnectError } from "@connectrpc/connect";
import { DcaError } from "../../common/errors.ts";
import { StoreError } from "../store/index.ts";
import { toConnectError, withConnectErrors } from "./connect-errors.ts";

describe("toConnectError", () => {
  test("a DcaError keeps its message and gets the Connect code of its code", () => {
    const c = toConnectError(new StoreError("not-found", 'unknown site "x"'));
    expect(c).toBeInstanceOf(ConnectError);
    expect({ code: c.code, rawMessage: c.rawMessage }).toEqual({ code: Code.NotFound, rawMessage: 'unknown site "x"' });
    expect(toConnectError(new DcaError("locked", "this install is locked")).code).toBe(Code.FailedPrecondition);
    expect(toConnectError(new StoreError("unavailable", "the hub database is busy", { reason: "busy" })).code).toBe(Code.Unavailable);
  });

  test("an internal failure is answered without its words, which go to the log", () => {
    const logged: string[] = [];
    const c = toConnectError(new TypeError("secret-ish internals"), (line) => logged.push(line));
    expect({ code: c.code, rawMessage: c.rawMessage }).toEqual({ code: Code.Internal, rawMessage: "internal error" });
    expect(logged).toEqual([expect.stringContaining("secret-ish internals")]);
  });

  test("a ConnectError stays as it is", () => {
    const e = new ConnectError("too big", Code.ResourceExhausted);
    expect(toConnectError(e)).toBe(e);
  });
});

test("withConnectErrors maps every method's failure and passes results through", async () => {
  const service = withConnectErrors({
    async ok(n: number) {
      return n + 1;
    },
    async missing(_n: number): Promise<number> {
      throw new DcaError("not-found", "no task tsk_1 for this agent's site");
    },
  });
  expect(await service.ok(1)).toBe(2);
  const e = await service.missing(1).catch((x: unknown) => x);
  expect(e).toBeInstanceOf(ConnectError);
  expect((e as ConnectError).code).toBe(Code.NotFound);
});
