import { describe, expect, test } from "bun:test";
import { MAX_HEAD_BYTES, createResponseReader } from "./http-response.ts";
import { WebProbeError } from "./web-probe-error.ts";

const T = "http://10.0.0.7:80/";
const enc = (s: string) => new Uint8Array(Buffer.from(s, "latin1"));

/** Feeds `text` in pieces of `step` bytes; returns the response (ended by close when not complete). */
function read(text: string, step: number, max = 1024) {
  const r = createResponseReader(max, T);
  const bytes = enc(text);
  for (let i = 0; i < bytes.length; i += step) if (r.feed(bytes.subarray(i, i + step))) return { ...r.result(), complete: true };
  return { ...r.end(), complete: false };
}

function fails(text: string, close = true): WebProbeError {
  const r = createResponseReader(1024, T);
  try {
    r.feed(enc(text));
    if (close) r.end();
  } catch (e) {
    expect(e).toBeInstanceOf(WebProbeError);
    return e as WebProbeError;
  }
  throw new Error("accepted");
}

describe("createResponseReader", () => {
  test("Content-Length: complete without waiting for close, whatever the packet boundaries", () => {
    for (const step of [1, 3, 1000]) {
      const got = read("HTTP/1.1 200 OK\r\nServer: EWS\r\nserver: second\r\nContent-Length: 5\r\n\r\nhello", step);
      expect(got).toMatchObject({ status: 200, headers: { server: "EWS", "content-length": "5" }, truncated: false, complete: true });
      expect(Buffer.from(got.body).toString()).toBe("hello");
    }
  });

  test("chunked with extensions and trailers", () => {
    for (const step of [1, 7, 1000]) {
      const got = read("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;x=1\r\nhello\r\nA\r\n, world!!!\r\n0\r\nX-T: 1\r\n\r\n", step);
      expect(got.complete).toBe(true);
      expect(Buffer.from(got.body).toString()).toBe("hello, world!!!");
    }
  });

  test("until close; bare LF head; 204 and 304 without a body", () => {
    const got = read("HTTP/1.0 200 OK\nServer: old\n\nbody to the end", 4);
    expect(got).toMatchObject({ status: 200, headers: { server: "old" }, complete: false });
    expect(Buffer.from(got.body).toString()).toBe("body to the end");
    expect(read("HTTP/1.1 304 Not Modified\r\n\r\n", 100).complete).toBe(true);
  });

  test("bodies are cut at the bound, chunked ones too", () => {
    const plain = read(`HTTP/1.1 200 OK\r\nContent-Length: 5000\r\n\r\n${"a".repeat(5000)}`, 512, 1000);
    expect(plain).toMatchObject({ truncated: true, complete: true });
    expect(plain.body.length).toBe(1000);
    const chunked = read(`HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n${"400\r\n" + "b".repeat(1024) + "\r\n"}0\r\n\r\n`, 100, 1000);
    expect(chunked).toMatchObject({ truncated: true, complete: true });
    expect(chunked.body.length).toBe(1000);
  });

  test("not HTTP: a banner, garbage, silence then close, a head that never ends, bad chunks", () => {
    expect(fails("SSH-2.0-OpenSSH_9.6\r\n").message).toBe(`${T}: not an HTTP answer; the server sent "SSH-2.0-OpenSSH_9.6.."`);
    expect(fails("HTTP/9 what\r\n\r\n").code).toBe("malformed");
    expect(fails("").message).toContain("closed the connection without answering");
    expect(fails("HTTP/1.1 200 OK\r\nServer: x").message).toContain("inside the response head");
    expect(fails(`HTTP/1.1 200 OK\r\nX: ${"y".repeat(MAX_HEAD_BYTES)}`, false).message).toContain("longer than 32768 bytes");
    expect(fails("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n", false).message).toContain("bad chunk size");
    expect(fails("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n1\r\nab\r\n", false).message).toContain("not followed by CRLF");
  });
});
