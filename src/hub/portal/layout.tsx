/** @jsxImportSource hono/jsx */
/**
 * The frame of every page: a skip link, the header with the hub's name and
 * the navigation (for signed-in people), the main landmark, and a footer
 * with the hub's version. Scripts and styles come from /assets only; htmx
 * is configured from a meta tag (no inline script or style anywhere).
 */
import { raw } from "hono/html";
import type { Child } from "hono/jsx";
import { assetUrl } from "./assets.ts";
import { CSRF_FIELD } from "./csrf.ts";
import type { PortalContext } from "./portal-context.ts";

/** One entry of the main navigation. Pages of wave 2 add theirs to NAV_ITEMS. */
export interface NavItem {
  href: string;
  label: string;
}

/** The main navigation, in order (a page appears here once it exists). */
export const NAV_ITEMS: NavItem[] = [
  { href: "/", label: "Fleet" },
  { href: "/devices", label: "Devices" },
  { href: "/sites", label: "Sites" },
  { href: "/tasks", label: "Tasks" },
  // People, tokens, audit, billing and alerts (wave 2).
  { href: "/alerts", label: "Alerts" },
  { href: "/billing", label: "Billing" },
  { href: "/users", label: "People" },
  { href: "/audit", label: "Audit log" },
  { href: "/account/tokens", label: "API tokens" },
  { href: "/settings", label: "Settings" },
  { href: "/account/security", label: "My security" },
];

/** htmx's settings: no inline indicator styles (CSP), no eval, no inline scripts in swapped content. */
const HTMX_CONFIG = JSON.stringify({ includeIndicatorStyles: false, allowEval: false, allowScriptTags: false, selfRequestsOnly: true });

export interface LayoutProps {
  portal: PortalContext;
  title: string;
  /** The current path, to mark its navigation entry. */
  path?: string;
  /** Pages with charts ask for uPlot. */
  charts?: boolean;
  children?: Child;
}

/** A hidden field with the page's CSRF token, for every form that posts. */
export const CsrfField = (p: { portal: PortalContext }) => <input type="hidden" name={CSRF_FIELD} value={p.portal.csrf} />;

/** The page frame. */
export function Layout(p: LayoutProps) {
  const me = p.portal.me;
  const full = me && !me.enrolOnly;
  return (
    <>
      {raw("<!DOCTYPE html>")}
      <html lang="en">
      <head>
        <meta charset="utf-8" />
        <meta name="viewport" content="width=device-width, initial-scale=1" />
        <title>{`${p.title} · dca hub`}</title>
        <meta name="csrf-token" content={p.portal.csrf} />
        <meta name="htmx-config" content={HTMX_CONFIG} />
        <link rel="icon" href={assetUrl("favicon.svg")} type="image/svg+xml" />
        <link rel="stylesheet" href={assetUrl("portal.css")} />
        {p.charts && <link rel="stylesheet" href={assetUrl("uplot.css")} />}
        <script src={assetUrl("htmx.js")} defer></script>
        {p.charts && <script src={assetUrl("uplot.js")} defer></script>}
        <script src={assetUrl("portal.js")} defer></script>
      </head>
      <body>
        <a class="skip" href="#main">
          Skip to content
        </a>
        <header class="site">
          <div class="bar">
            <a class="name" href="/">
              dca hub
            </a>
            {full && (
              <nav aria-label="Main">
                <ul>
                  {NAV_ITEMS.map((n) => (
                    <li>
                      <a href={n.href} aria-current={p.path === n.href ? "page" : undefined}>
                        {n.label}
                      </a>
                    </li>
                  ))}
                </ul>
              </nav>
            )}
            {me && (
              <div class="who">
                <span>
                  Signed in as <strong>{me.user?.username}</strong>
                </span>
                <form method="post" action="/logout">
                  <CsrfField portal={p.portal} />
                  <button type="submit">Sign out</button>
                </form>
              </div>
            )}
          </div>
        </header>
        <main id="main" tabindex={-1}>
          {p.children}
        </main>
        <footer class="site">
          <p>dca hub {p.portal.version}</p>
        </footer>
      </body>
      </html>
    </>
  );
}

/** A notice box: `error` for refusals (announced to screen readers), `ok` for done, plain otherwise. */
export function Notice(p: { kind?: "error" | "ok"; children?: Child }) {
  return (
    <div class={`notice${p.kind ? ` ${p.kind}` : ""}`} role={p.kind === "error" ? "alert" : "status"}>
      {p.children}
    </div>
  );
}
