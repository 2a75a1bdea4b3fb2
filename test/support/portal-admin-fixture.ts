/**
 * Helpers of the portal's admin page tests (people, tokens, settings, audit,
 * billing, alerts) over the in-process portal (portal-fixture.ts): signing
 * in through the form, and a page's notice as text.
 */
import { expect } from "bun:test";
import type { PortalBrowser } from "./portal-fixture.ts";
import { PASSWORD } from "./sign-in-fixture.ts";

/** Signs `username` in through the sign-in form (no second factor). */
export async function signIn(b: PortalBrowser, username: string, password = PASSWORD): Promise<void> {
  await b.text(await b.get("/login"));
  const r = await b.post("/login", { username, password, next: "/" });
  expect(r.status).toBe(303);
}

/** The text of the page's notice of `kind` (HTML-escaped as the page has it). */
export const noticeOf = (html: string, kind: "ok" | "error") => new RegExp(`class="notice ${kind}"[^>]*>([^<]*)<`).exec(html)?.[1];
