import { describe, expect, test } from "bun:test";
import { jsonErrorAt } from "./json-error-at.ts";

describe("where a JSON text stops being JSON", () => {
  test.each([
    ['{\n  "snmp": {\n    "timeout": 5,\n  }\n}\n', 4, 3],
    ['{"a": tru}', 1, 10],
    ['{"a": 1} x', 1, 10],
    ['{"a": "b\nc"}', 1, 9],
    ['{"a": [1, 2}', 1, 12],
    ['{"a": 01}', 1, 8],
    ['{"a" 1}', 1, 6],
    ["{'a': 1}", 1, 2],
    ['{"a": 1', 1, 8],
    ["", 1, 1],
  ])("%j stops at %d:%d", (text, line, column) => {
    expect(() => JSON.parse(text)).toThrow();
    expect(jsonErrorAt(text)).toEqual({ line, column });
  });

  test.each(['{"a": [1, -2.5e+3, true, false, null, "x\\u00e9\\n"], "b": {}}', " [] ", '"\\""', "0"])("valid JSON %j has no error", (text) => {
    expect(() => JSON.parse(text)).not.toThrow();
    expect(jsonErrorAt(text)).toBeUndefined();
  });
});
