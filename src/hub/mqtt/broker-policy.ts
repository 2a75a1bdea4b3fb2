/**
 * Who may do what on the hub's broker. An agent logs in with its id as
 * user name and client id and its secret as password (the store checks the
 * secret; a disabled or replaced agent is refused), may subscribe to its
 * own wake topic only, and may publish nothing: nudges come from the hub.
 */
import type { AuthenticateError, AuthorizePublishHandler, AuthorizeSubscribeHandler, AuthenticateHandler, PreConnectHandler } from "./aedes-types.ts";
import type { WakeStore } from "../store/index.ts";
import { AGENT_ID_PATTERN, wakeTopic } from "../../common/wake-topic.ts";

/** MQTT 3.1.1 CONNACK return codes (3.2.2.3). */
const IDENTIFIER_REJECTED = 2;
const BAD_USERNAME_OR_PASSWORD = 4;

/** The aedes hooks of the broker. */
export interface BrokerPolicy {
  preConnect: PreConnectHandler;
  authenticate: AuthenticateHandler;
  authorizeSubscribe: AuthorizeSubscribeHandler;
  authorizePublish: AuthorizePublishHandler;
}

function refusal(returnCode: number, message: string): AuthenticateError {
  return Object.assign(new Error(message), { returnCode }) as AuthenticateError;
}

export function createBrokerPolicy(store: Pick<WakeStore, "authenticateAgent">, log: (line: string) => void = () => {}): BrokerPolicy {
  return {
    preConnect(_client, packet, callback) {
      // A will would let a client publish by disconnecting; agents have no use for one.
      if (packet.will) return callback(new Error("wills are not accepted"), false);
      callback(null, true);
    },

    authenticate(client, username, password, done) {
      const user = username ?? "";
      if (!AGENT_ID_PATTERN.test(user) || !password || password.length > 256) {
        return done(refusal(BAD_USERNAME_OR_PASSWORD, "bad user name or password"), false);
      }
      // One session per agent: with the client id fixed to the agent id, a reconnecting agent takes over its old session.
      if (client.id !== user) return done(refusal(IDENTIFIER_REJECTED, "the client id must be the agent id"), false);
      const agent = store.authenticateAgent(user, password.toString("utf8"));
      if (!agent) {
        log(`mqtt: login refused for ${user}`);
        return done(refusal(BAD_USERNAME_OR_PASSWORD, "bad user name or password"), false);
      }
      done(null, true);
    },

    authorizeSubscribe(client, sub, callback) {
      // null grants nothing: the SUBACK says 0x80 for this filter and the session goes on.
      if (!client || sub.topic !== wakeTopic(client.id)) return callback(null, null);
      // QoS 0: a nudge lost on the way costs at most a poll interval, and nothing is queued for absent agents.
      callback(null, { ...sub, qos: 0 });
    },

    authorizePublish(_client, _packet, callback) {
      callback(new Error("agents publish nothing"));
    },
  };
}
