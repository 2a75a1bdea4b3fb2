/**
 * Server-sent events for the portal (text/event-stream): a bounded stream
 * of named events from an async iterable. Each stream lives at most
 * `maxMs` (below the hub's per-stream deadline on HTTP/2, 60 s), then ends;
 * EventSource connects again by itself after `retry`, and the page's
 * source starts over from the current state (WatchTask sends the task as
 * it is first). The stream also ends when the browser goes away.
 */

/** One event: its name and its data (any text; lines are split as the format wants). */
export interface SseEvent {
  event: string;
  data: string;
}

/** How long one stream lives by default. */
export const SSE_MAX_MS = 50_000;
/** How long EventSource waits before connecting again. */
export const SSE_RETRY_MS = 3_000;

/** One event in the wire format. */
export function formatSse(e: SseEvent): string {
  const name = e.event.replace(/[\r\n]/g, "");
  const data = e.data.split(/\r\n|\r|\n/).map((l) => `data: ${l}`).join("\n");
  return `event: ${name}\n${data}\n\n`;
}

/** A text/event-stream answer with the events of `source`, ended after `maxMs` or when `signal` aborts. */
export function sseResponse(source: AsyncIterable<SseEvent>, opts: { signal?: AbortSignal; maxMs?: number } = {}): Response {
  const enc = new TextEncoder();
  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), opts.maxMs ?? SSE_MAX_MS);
  opts.signal?.addEventListener("abort", () => stop.abort(), { once: true });
  const it = source[Symbol.asyncIterator]();
  const finish = () => {
    clearTimeout(timer);
    void it.return?.();
  };
  const stream = new ReadableStream<Uint8Array>({
    start(controller) {
      controller.enqueue(enc.encode(`retry: ${SSE_RETRY_MS}\n\n`));
      stop.signal.addEventListener(
        "abort",
        () => {
          finish();
          try {
            controller.close();
          } catch {
            // Already closed.
          }
        },
        { once: true },
      );
    },
    async pull(controller) {
      try {
        const r = await it.next();
        if (stop.signal.aborted) return;
        if (r.done) {
          finish();
          controller.close();
          return;
        }
        controller.enqueue(enc.encode(formatSse(r.value)));
      } catch {
        finish();
        if (!stop.signal.aborted) controller.close();
      }
    },
    cancel() {
      stop.abort();
    },
  });
  return new Response(stream, { headers: { "content-type": "text/event-stream; charset=utf-8", "cache-control": "no-store", "x-accel-buffering": "no" } });
}
