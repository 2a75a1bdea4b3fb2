import { describe, expect, test } from "bun:test";
import { createLpdSession, type LpdJob } from "./lpd-session.ts";
import { createZebraInterpreter } from "./zebra-interpreter.ts";
import { defaultZebraState, formatHostStatus } from "./zebra-state.ts";

const text = (b: Uint8Array) => Buffer.from(b).toString("latin1");

describe("zebra interpreter", () => {
  test("commands split across any byte boundary answer the same", () => {
    const input = Buffer.from('~HS^XA^FDx^FS^PQ2^XZ! U1 getvar "appl.name"\r\n~HQOD~JUnknown', "latin1");
    const whole = defaultZebraState();
    const all = text(createZebraInterpreter(whole).feed(input));
    const split = defaultZebraState();
    const one = createZebraInterpreter(split);
    let bytewise = "";
    for (const b of input) bytewise += text(one.feed(Uint8Array.of(b)));
    expect(bytewise).toBe(all);
    expect(all.startsWith(formatHostStatus(defaultZebraState()))).toBe(true);
    expect(all).toContain('"V75.20.01Z"');
    expect(all).toMatch(/TOTAL NONRESETTABLE: +8572 "\r\n/);
    expect(split.labelsPrinted).toBe(2);
    expect(one.pending).toBe(0);
  });

  test("a format without a field prints nothing; an unterminated one waits", () => {
    const s = defaultZebraState();
    const z = createZebraInterpreter(s);
    z.feed(Buffer.from("^XA^MMT^XZ^XA^FDhalf"));
    expect(s.labelsPrinted).toBe(0);
    expect(z.pending).toBe("^XA^FDhalf".length);
  });
});

describe("lpd session", () => {
  test("a job fed byte by byte is acknowledged step by step and delivered once", () => {
    const jobs: LpdJob[] = [];
    const session = createLpdSession({ acceptQueue: (q) => q === "zebra", onJob: (j) => jobs.push(j) });
    const control = "Hpc\nPme\nldfA001pc\n";
    const wire = `\x02zebra\n\x02${control.length} cfA001pc\n${control}\x00\x035 dfA001pc\n^XA^X\x00`;
    const acks: number[] = [];
    for (const b of Buffer.from(wire, "latin1")) acks.push(...session.feed(Uint8Array.of(b)));
    expect(acks).toEqual([0, 0, 0, 0, 0]);
    expect(jobs).toHaveLength(1);
    expect(jobs[0].control).toEqual(["Hpc", "Pme", "ldfA001pc"]);
    expect(text(jobs[0].dataFiles[0].bytes)).toBe("^XA^X");
  });

  test("an unknown queue or a file without its NUL is refused", () => {
    const session = createLpdSession({ acceptQueue: () => false, onJob: () => {} });
    expect([...session.feed(Buffer.from("\x02nope\n"))]).toEqual([1]);
    expect(session.closed).toBe(true);
    const other = createLpdSession({ acceptQueue: () => true, onJob: () => {} });
    expect([...other.feed(Buffer.from("\x02q\n\x033 dfA1h\nabcX"))]).toEqual([0, 0, 1]);
  });
});
