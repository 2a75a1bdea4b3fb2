/**
 * The audit log's download and check (/audit/export.jsonl, /audit/verify):
 * ExportAudit streamed to the browser as it comes (JSON lines, oldest
 * first, each with its hashes), and VerifyAudit's verdict shown on the
 * audit page. A refusal comes before the first byte, so it is the 403 page.
 */
import type { PortalCtx } from "../portal-context.ts";
import { auditQueryOf, auditTimes, renderAudit, verifyText } from "./audit.tsx";
import { downloadHeaders } from "./download-headers.ts";
import { runChange } from "./run-change.ts";

/** GET /audit/export.jsonl?from=&to= */
export async function getAuditExport(c: PortalCtx): Promise<Response> {
  const q = auditQueryOf(c);
  const stream = c.get("portal").api.exportAudit(auditTimes(q))[Symbol.asyncIterator]();
  // The first chunk is awaited here: a refusal becomes the error page, not a broken download.
  const first = await stream.next();
  const encoder = new TextEncoder();
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      if (first.done) controller.close();
      else controller.enqueue(encoder.encode(first.value.lines));
    },
    async pull(controller) {
      try {
        const next = await stream.next();
        if (next.done) controller.close();
        else controller.enqueue(encoder.encode(next.value.lines));
      } catch (e) {
        // A download cut short shows as a failed download in the browser, not as a complete file.
        controller.error(e);
      }
    },
    async cancel() {
      await stream.return?.();
    },
  });
  const name = `audit-${q.from || "start"}-to-${q.to || "now"}.jsonl`;
  return new Response(first.done ? "" : body, { headers: downloadHeaders("application/jsonl; charset=utf-8", name) });
}

/** POST /audit/verify: the hub checks its own chain; the page shows the verdict. */
export const postAuditVerify = (c: PortalCtx) =>
  runChange(
    (shown, status) => renderAudit(c, shown, status),
    async () => verifyText(await c.get("portal").api.verifyAudit({})),
  );
