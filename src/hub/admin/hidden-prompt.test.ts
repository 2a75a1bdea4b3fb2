import { describe, expect, test } from "bun:test";
import { EventEmitter } from "node:events";
import { promptHidden } from "./hidden-prompt.ts";

/** A terminal stand-in: records raw mode and what was written; `type` sends keys. */
function fakeTerminal() {
  const written: string[] = [];
  const raw: boolean[] = [];
  const input = Object.assign(new EventEmitter(), {
    isRaw: false,
    setRawMode(on: boolean) {
      raw.push(on);
      input.isRaw = on;
      return input;
    },
    setEncoding: () => input,
    resume: () => input,
    pause: () => input,
  });
  const output = { write: (s: string) => void written.push(s) };
  const type = (keys: string) => input.emit("data", keys);
  return { input: input as unknown as NodeJS.ReadStream, output: output as unknown as NodeJS.WriteStream, written, raw, type, listeners: () => input.listenerCount("data") };
}

describe("promptHidden", () => {
  test("reads a line without echo, with backspace, and puts the terminal back", async () => {
    const t = fakeTerminal();
    const answer = promptHidden("Password: ", t.input, t.output);
    t.type("corr");
    t.type("ext\u007f\u007f\u007fect horse\r");
    expect(await answer).toBe("correct horse");
    expect(t.written).toEqual(["Password: ", "\n"]);
    expect(t.raw).toEqual([true, false]);
    expect(t.listeners()).toBe(0);
  });

  test("Ctrl-C, or Ctrl-D on an empty line, cancels; control characters are dropped", async () => {
    const t = fakeTerminal();
    const canceled = promptHidden("Password: ", t.input, t.output);
    t.type("abc\u0003");
    await expect(canceled).rejects.toMatchObject({ code: "canceled" });
    const eof = promptHidden("Password: ", t.input, t.output);
    t.type("\u0004");
    await expect(eof).rejects.toMatchObject({ code: "canceled" });
    const tabbed = promptHidden("Password: ", t.input, t.output);
    t.type("a\tb\u001bc\n");
    expect(await tabbed).toBe("abc");
    expect(t.written.join("")).not.toContain("abc");
  });
});
