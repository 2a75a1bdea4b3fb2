/**
 * Release versions ("1.2.3", "1.2.3-beta.2") and their order, the one rule the
 * hub (what it offers) and the agent (what it accepts: never a downgrade) share.
 * A pre-release sorts before its release; pre-release parts compare as numbers
 * when both are numbers, else as text (semver's rule, without build metadata).
 */

const VERSION = /^(\d{1,9})\.(\d{1,9})\.(\d{1,9})(?:-([0-9A-Za-z.-]{1,40}))?$/;

/** Whether `v` is a version this code can order. */
export function isReleaseVersion(v: string): boolean {
  return VERSION.test(v);
}

/** Negative if `a` comes before `b`, 0 if equal, positive after; a string that is no version sorts first. */
export function compareVersions(a: string, b: string): number {
  const x = VERSION.exec(a);
  const y = VERSION.exec(b);
  if (!x || !y) return (x ? 1 : 0) - (y ? 1 : 0);
  for (let i = 1; i <= 3; i++) {
    const d = Number(x[i]) - Number(y[i]);
    if (d !== 0) return d;
  }
  if (x[4] === undefined || y[4] === undefined) return (x[4] === undefined ? 1 : 0) - (y[4] === undefined ? 1 : 0);
  const p = x[4].split(".");
  const q = y[4].split(".");
  for (let i = 0; i < Math.max(p.length, q.length); i++) {
    if (p[i] === undefined || q[i] === undefined) return p[i] === undefined ? -1 : 1;
    const numeric = /^\d+$/.test(p[i]!) && /^\d+$/.test(q[i]!);
    const d = numeric ? Number(p[i]) - Number(q[i]) : p[i]! < q[i]! ? -1 : p[i]! > q[i]! ? 1 : 0;
    if (d !== 0) return d;
  }
  return 0;
}
