/**
 * Whether the agent may send ICMP (its ping and traceroute tasks): it opens
 * the socket those tasks open, a raw one (root or CAP_NET_RAW) or the
 * kernel's unprivileged ping socket (net.ipv4.ping_group_range), and
 * closes it at once. Nothing is sent.
 */
import { openIcmpSocket } from "../diagnostics/icmp/icmp-socket.ts";
import { type CheckOutcome, fail, pass, skip } from "./check-result.ts";

export function checkIcmp(): CheckOutcome {
  const opened = openIcmpSocket(4, "auto");
  if (!opened.socket) {
    if (/not supported on this platform/.test(opened.error)) return skip(`not checked: ${opened.error}`);
    const [what, how] = splitAdvice(opened.error);
    return fail(what, how);
  }
  const mode = opened.socket.mode;
  opened.socket.close();
  return pass(mode === "raw" ? "ping and traceroute tasks can run (raw ICMP socket: root or CAP_NET_RAW)" : "ping and traceroute tasks can run (unprivileged ping socket: net.ipv4.ping_group_range)");
}

/** "ICMP not permitted: raw ... need X; ..." as what failed and what to do. */
function splitAdvice(error: string): [string, string | undefined] {
  const i = error.indexOf(": ");
  return i < 0 ? [error, undefined] : [`${error.slice(0, i)}: the ping and traceroute tasks cannot run`, error.slice(i + 2)];
}
