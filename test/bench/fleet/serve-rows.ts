/**
 * ListDevices and GetFleetOverview through a real `dca-hub serve` on the
 * bench folder, with curl as any HTTP client would call them (Connect JSON,
 * HTTP/2, a full-scope token of a test owner): the whole call (curl's
 * time_total; its time to first byte over HTTP/2 counts frames that come
 * before the answer), the first and the median of `repeat` runs, and the
 * hub's RSS afterwards.
 */
import { readFileSync } from "node:fs";
import { type HubProcess, ownerPasswordFile, runCommand, startHubProcess } from "../../support/service-peers.ts";

async function curlTimes(hub: HubProcess, secret: string, method: string, body: string): Promise<{ total: number; bytes: number; status: number }> {
  const r = await runCommand([
    "curl", "-sS", "-o", "/dev/null", "--http2", "--cacert", hub.caPath,
    "-w", "%{http_code} %{time_total} %{size_download}",
    "-H", `Authorization: Bearer ${secret}`, "-H", "Content-Type: application/json", "-d", body,
    `${hub.url}/dca.v1.AdminService/${method}`,
  ]);
  const [status, total, bytes] = r.stdout.trim().split(" ").map(Number);
  return { status: status!, total: total! * 1000, bytes: bytes! };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Markdown rows for the README. */
export async function serveRows(dataDir: string, repeat: number, deviceId: string): Promise<string[]> {
  const hub = await startHubProcess(dataDir);
  try {
    const made = await hub.admin("account", "create-token", `bench-${Date.now()}`, "--scope", "full", "--password-file", ownerPasswordFile(dataDir), "--json");
    if (made.exitCode !== 0) throw new Error(made.stderr);
    const secret = JSON.parse(made.stdout).secret as string;
    const calls: [string, string, string][] = [
      ["GetFleetOverview (the hub's first)", "GetFleetOverview", "{}"],
      ["ListDevices page 1 (50), default order", "ListDevices", '{"pageSize": 50}'],
      ["ListDevices page 1, total pages descending", "ListDevices", '{"pageSize": 50, "sort": "DEVICE_SORT_TOTAL_PAGES", "descending": true}'],
      ["ListDevices page 1, vendor HP, supply <= 10 %", "ListDevices", '{"pageSize": 50, "vendor": "HP", "supplyBelowPercent": 10, "sort": "DEVICE_SORT_LOWEST_SUPPLY"}'],
      ["GetDevice", "GetDevice", JSON.stringify({ device: deviceId })],
      ["GetMeterSeries (365 days)", "GetMeterSeries", JSON.stringify({ device: deviceId })],
    ];
    const out = ["", "| call (curl, real hub, HTTP/2 + TLS, JSON) | first ms | median ms | bytes |", "|---|---|---|---|"];
    for (const [label, method, body] of calls) {
      const first = await curlTimes(hub, secret, method, body);
      if (first.status !== 200) throw new Error(`${method} answered ${first.status}`);
      const runs = [];
      for (let i = 0; i < repeat; i++) runs.push(await curlTimes(hub, secret, method, body));
      out.push(`| ${label} | ${Math.round(first.total)} | ${Math.round(median(runs.map((r) => r.total)))} | ${first.bytes} |`);
    }
    const status = readFileSync(`/proc/${hub.proc.pid}/status`, "utf8");
    const kb = (key: string) => Number(new RegExp(`${key}:\\s+(\\d+)`).exec(status)?.[1] ?? 0);
    out.push("", `hub RSS after these calls: ${Math.round(kb("VmRSS") / 1024)} MB (peak ${Math.round(kb("VmHWM") / 1024)} MB)`);
    return out;
  } finally {
    await hub.stop();
  }
}
