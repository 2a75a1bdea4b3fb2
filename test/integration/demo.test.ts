/**
 * The README's main-job command stays true: the demo (hub + simulated fleet
 * + activated agent) runs end to end and prints the fleet as the hub sees it.
 */
import { expect, test } from "bun:test";
import { join } from "node:path";
import { repoRoot } from "../support/shared-dir.ts";

test("npm run demo: the hub shows the simulated fleet", async () => {
  const proc = Bun.spawn([process.execPath, join(repoRoot, "scripts/demo.ts"), "--once"], { cwd: repoRoot, stdout: "pipe", stderr: "pipe", stdin: "ignore" });
  const [out, err, code] = await Promise.all([new Response(proc.stdout).text(), new Response(proc.stderr).text(), proc.exited]);
  if (code !== 0) console.error(out, err);
  expect(code).toBe(0);
  expect(out).toMatch(/discovery done: 62 addresses in [\d.]+ s: \d+ answered, \d+ printers read/);
  // The repo's own made-up recordings are always in the fleet.
  expect(out).toContain("EXM100-000123");
  expect(out).toContain("123456");
  expect(out).toContain("Black Toner Cartridge EX-T100 40 %");
  // The portal's address and a one-time sign-in link into it.
  expect(out).toMatch(/The web portal: https:\/\/127\.0\.0\.1:\d+\//);
  expect(out).toMatch(/https:\/\/127\.0\.0\.1:\d+\/login\/link\?code=[A-Za-z0-9_-]{43}/);
}, 120_000);
