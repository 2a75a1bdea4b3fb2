/**
 * A site's update window, "Sat 01:00-05:00" or "Mon-Fri 22:00-02:00" or
 * "daily 01:00-05:00", in the agent's local time. The hub offers a release only
 * inside it (with the UTC offset the agent reports in each poll) and the agent
 * checks it again before it starts an update (docs/release.md).
 * A window whose end is before its start runs past midnight into the next day.
 */

const DAYS = ["sun", "mon", "tue", "wed", "thu", "fri", "sat"];
const FORM = /^(daily|[a-z]{3}(?:-[a-z]{3})?)\s+(\d{2}):(\d{2})-(\d{2}):(\d{2})$/i;

/** A parsed window: the days it starts on and its minutes of the day. */
export interface UpdateWindow {
  readonly text: string;
  /** Day numbers (0 = Sunday) the window starts on. */
  readonly days: ReadonlySet<number>;
  readonly startMinute: number;
  readonly endMinute: number;
}

/** What a window looks like, for error messages. */
export const WINDOW_FORMS = `"Sat 01:00-05:00", "Mon-Fri 22:00-02:00" or "daily 01:00-05:00" (the agent's local time)`;

/** The window `text` says, or undefined when it is not one (the caller names the option). */
export function parseUpdateWindow(text: string): UpdateWindow | undefined {
  const m = FORM.exec(text.trim());
  if (!m) return undefined;
  const spec = m[1]!.toLowerCase();
  const [from, to] = spec === "daily" ? ["sun", "sat"] : spec.includes("-") ? spec.split("-") : [spec, spec];
  const first = DAYS.indexOf(from!);
  const last = DAYS.indexOf(to!);
  const [sh, sm, eh, em] = m.slice(2, 6).map(Number) as [number, number, number, number];
  if (first < 0 || last < 0 || sh > 23 || eh > 23 || sm > 59 || em > 59) return undefined;
  const startMinute = sh * 60 + sm;
  const endMinute = eh * 60 + em;
  if (startMinute === endMinute) return undefined;
  const days = new Set<number>();
  for (let d = first; ; d = (d + 1) % 7) {
    days.add(d);
    if (d === last) break;
  }
  return { text: text.trim(), days, startMinute, endMinute };
}

/**
 * Whether `atMs` falls inside the window, for a clock `utcOffsetMinutes` ahead of UTC.
 * An empty text is no window: always inside. A text that does not parse is never inside.
 */
export function insideUpdateWindow(text: string, atMs: number, utcOffsetMinutes: number): boolean {
  if (text.trim() === "") return true;
  const w = parseUpdateWindow(text);
  if (!w) return false;
  const local = new Date(atMs + utcOffsetMinutes * 60_000);
  const minute = local.getUTCHours() * 60 + local.getUTCMinutes();
  const day = local.getUTCDay();
  if (w.startMinute < w.endMinute) return w.days.has(day) && minute >= w.startMinute && minute < w.endMinute;
  // Past midnight: the evening part on a window day, the morning part on the day after one.
  return (w.days.has(day) && minute >= w.startMinute) || (w.days.has((day + 6) % 7) && minute < w.endMinute);
}

