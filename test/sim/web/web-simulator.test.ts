/**
 * The printer web simulator's site without a browser: the HTTP details a
 * proxy in front of it meets (keep-alive, a form body split across
 * packets, the cookie gate, the body bound, download length), and the
 * process entry (test/sim/web/main.ts) a bench starts.
 */
import { afterAll, beforeAll, expect, test } from "bun:test";
import net from "node:net";
import { join } from "node:path";
import { SESSION_COOKIE, SITE_LOGIN } from "./printer-site.ts";
import { type WebSimulator, startWebSimulator } from "./web-simulator.ts";

let sim: WebSimulator;
beforeAll(async () => {
  sim = await startWebSimulator({ host: "127.0.0.9" });
});
afterAll(() => sim?.close());

/** Writes `parts` on one connection (a pause between them) and returns all it read until `until` matches or the peer closes. */
async function exchange(parts: string[], until: RegExp): Promise<string> {
  const socket = net.connect(sim.httpPort, sim.host);
  let text = "";
  const done = new Promise<void>((resolve) => {
    socket.on("data", (d) => {
      text += d.toString("latin1");
      if (until.test(text)) resolve();
    });
    socket.on("close", () => resolve());
  });
  for (const part of parts) {
    socket.write(part);
    await Bun.sleep(30);
  }
  await Promise.race([done, Bun.sleep(5000)]);
  socket.destroy();
  return text;
}

test("keep-alive: two requests on one connection; a login body split across packets sets the cookie", async () => {
  const body = `user=${SITE_LOGIN.user}&password=${SITE_LOGIN.password}`;
  const text = await exchange(
    [
      `GET /ews/style.css HTTP/1.1\r\nHost: x\r\n\r\n`,
      `POST /login HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\n\r\n${body.slice(0, 7)}`,
      body.slice(7),
    ],
    /Set-Cookie[^\r]*\r\n[\s\S]*\r\n\r\n/,
  );
  const statuses = [...text.matchAll(/HTTP\/1\.1 (\d{3})/g)].map((m) => m[1]);
  expect(statuses).toEqual(["200", "302"]);
  expect(text).toContain(`Location: ${sim.httpOrigin}/admin/settings\r\n`);
  expect(text).toMatch(new RegExp(`Set-Cookie: ${SESSION_COOKIE}=[0-9a-f]{32}; Path=/; HttpOnly\\r\\n`));
  expect(sim.requests.at(-1)).toMatchObject({ method: "POST", path: "/login", body });
});

test("the settings page without the cookie: GET redirects to /login, POST is 401; a body over 64 KiB is 413", async () => {
  expect(await exchange([`GET /admin/settings HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`], /$^/)).toMatch(/^HTTP\/1\.1 302 Found\r\n[\s\S]*Location: \/login\r\n/);
  expect(await exchange([`POST /admin/settings HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\na=b`], /sign in first/)).toMatch(/^HTTP\/1\.1 401/);
  expect(await exchange([`POST /login HTTP/1.1\r\nHost: x\r\nContent-Length: 70000\r\n\r\n`], /$^/)).toMatch(/^HTTP\/1\.1 413/);
});

test("downloads: Content-Length of the size asked; HEAD sends no body; an unknown size is 404", async () => {
  const head = await exchange([`HEAD /download/64kb HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n`], /$^/);
  expect(head).toMatch(/^HTTP\/1\.1 200 OK\r\n[\s\S]*Content-Length: 65536\r\n[\s\S]*\r\n\r\n$/);
  const response = await fetch(`${sim.httpOrigin}/download/1000`);
  expect((await response.arrayBuffer()).byteLength).toBe(1000);
  expect((await fetch(`${sim.httpOrigin}/download/lots`)).status).toBe(404);
});

test("main.ts: a ready line with both origins and the certificate, the site served, a stopped line on SIGTERM; a bad flag exits 2", async () => {
  const main = join(import.meta.dir, "main.ts");
  const child = Bun.spawn([process.execPath, main, "--host", "127.0.0.10", "--link-host", "request"], { stdout: "pipe", stderr: "pipe" });
  try {
    const reader = child.stdout.getReader();
    let out = "";
    const line = async () => {
      while (!out.includes("\n")) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`exited: ${await new Response(child.stderr).text()}`);
        out += new TextDecoder().decode(value);
      }
      const [first] = out.split("\n");
      out = out.slice(first.length + 1);
      return JSON.parse(first);
    };
    const ready = await line();
    expect(ready).toMatchObject({ ready: true, http: `http://127.0.0.10:${ready.httpPort}`, https: `https://127.0.0.10:${ready.httpsPort}` });
    expect(ready.certificate).toStartWith("-----BEGIN CERTIFICATE-----");
    const home = await (await fetch(`http://127.0.0.10:${ready.httpPort}/`, { headers: { Host: "printer.test" } })).text();
    expect(home).toContain(`href="http://printer.test/status"`);
    child.kill("SIGTERM");
    expect(await line()).toEqual({ stopped: true, requests: 1 });
    expect(await child.exited).toBe(0);
  } finally {
    child.kill("SIGKILL");
  }
  const bad = Bun.spawnSync([process.execPath, main, "--link-host", "elsewhere"]);
  expect([bad.exitCode, bad.stderr.toString().split("\n")[0]]).toEqual([2, "--link-host must be device or request, got elsewhere"]);
});
