/** Server-sent events: the wire format (multi-line data, no newline smuggled into a name) and a stream that ends with its source. */
import { describe, expect, test } from "bun:test";
import { formatSse, sseResponse } from "./sse.ts";

describe("server-sent events", () => {
  test("each line of the data is its own data: line; a name keeps no newline", () => {
    expect(formatSse({ event: "task", data: "<p>a</p>\n<p>b</p>" })).toBe("event: task\ndata: <p>a</p>\ndata: <p>b</p>\n\n");
    expect(formatSse({ event: "ta\nsk", data: "x" })).toBe("event: task\ndata: x\n\n");
  });

  test("the answer streams the events, then ends", async () => {
    async function* source() {
      yield { event: "task", data: "one" };
      yield { event: "end", data: "done" };
    }
    const r = sseResponse(source(), { maxMs: 5_000 });
    expect(r.headers.get("content-type")).toBe("text/event-stream; charset=utf-8");
    expect(await r.text()).toBe("retry: 3000\n\nevent: task\ndata: one\n\nevent: end\ndata: done\n\n");
  });
});
