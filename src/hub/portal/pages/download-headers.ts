/** The headers of a portal download (the audit log, billing files). */

/**
 * A download's headers: saved under `filename` (only safe characters, so
 * the header cannot be bent by a site's name), never cached, never sniffed.
 */
export function downloadHeaders(contentType: string, filename: string): Record<string, string> {
  return {
    "content-type": contentType,
    "content-disposition": `attachment; filename="${filename.replace(/[^A-Za-z0-9._-]/g, "_")}"`,
    "cache-control": "no-store",
    "x-content-type-options": "nosniff",
  };
}
