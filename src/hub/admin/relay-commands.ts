/**
 * `relay authorized-keys`: what OpenSSH's sshd asks when it is the relay
 * (AuthorizedKeysCommand): every enabled, current agent's key, each
 * restricted to remote forwarding (src/hub/relay/authorized-keys.ts), asked
 * of the running hub. sshd runs it as its AuthorizedKeysCommandUser, which
 * reads an API token of scope "relay" with --token-file (docs/web-access.md).
 */
import { type AdminCommand, noMoreArgs } from "./admin-context.ts";

/** The relay commands. */
export const RELAY_COMMANDS: Record<string, AdminCommand<unknown>> = {
  "relay authorized-keys": {
    usage: "relay authorized-keys [--hub URL --token-file F --ca CA.pem]",
    remote: true,
    async run(ctx, p) {
      noMoreArgs(p, 0);
      const r = await ctx.api.getRelayAuthorizedKeys({});
      ctx.io.out(r.text);
      return 0;
    },
  },
};
