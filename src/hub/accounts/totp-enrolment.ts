/**
 * Turning TOTP on and off, in two steps: `begin` (after the user confirmed it
 * is them) keeps a pending secret and returns what the authenticator app
 * needs (the otpauth:// URI, a QR code for a terminal and as SVG, the secret
 * for typing by hand); `confirm` with a code from the app makes it the
 * user's second factor and hands out the recovery codes, shown once and kept
 * only as SHA-256. Until confirmed nothing about signing in changes, so a
 * begun and forgotten enrolment locks nobody out.
 */
import { DcaError } from "../../common/errors.ts";
import type { User } from "../store/index.ts";
import {
  hashRecoveryCode,
  newRecoveryCodes,
  newTotpSecret,
  totpQr,
  totpUri,
  verifyTotpCode,
} from "./second-factor.ts";
import { type AccountsOptions, type Proof, createUserAccounts } from "./user-accounts.ts";

/** What the user needs to add the hub to an authenticator app. */
export interface TotpEnrolment {
  /** The otpauth:// URI (it holds the secret: show it to the user only). */
  uri: string;
  /** The base32 secret, for apps that are typed into. */
  secret: string;
  /** The URI as a QR code in half-block characters, for a terminal. */
  qrTerminal: string;
  /** The URI as a QR code in SVG, for a web page. */
  qrSvg: string;
}

/** Options of `createTotpEnrolment`. */
export interface TotpEnrolmentOptions extends AccountsOptions {
  /** The name the authenticator app shows for the hub; default "dca-hub". */
  issuer?: string;
  /**
   * How "confirm it is you" is checked; default the local password or a code (createUserAccounts).
   * The hub passes one that also binds to the directory for LDAP users, who have no local password.
   */
  confirmIdentity?: (id: string, proof: Proof) => Promise<unknown>;
}

/** The second-factor functions over one store. */
export function createTotpEnrolment(opts: TotpEnrolmentOptions) {
  const { store, clock } = opts;
  const issuer = opts.issuer ?? "dca-hub";
  const confirmIdentity = opts.confirmIdentity ?? createUserAccounts(opts).confirmIdentity;
  const requireUser = (id: string): User => {
    const u = store.getUser(id);
    if (!u) throw new DcaError("not-found", `unknown user "${id}"; list the users to find the right one`);
    return u;
  };
  const requireTotp = (u: User) => {
    if (!u.totpEnabledAt) throw new DcaError("failed-precondition", "two-factor sign-in is not on for this account; enrol first", { reason: "no-totp" });
  };
  const issueCodes = () => {
    const codes = newRecoveryCodes();
    return { codes, hashes: codes.map(hashRecoveryCode) };
  };

  return {
    /**
     * Starts enrolment (replacing any pending one) once the user confirmed it is them.
     * `failed-precondition` when TOTP is already on: turn it off first.
     */
    async beginTotpEnrolment(id: string, proof: Proof): Promise<TotpEnrolment> {
      const u = requireUser(id);
      if (u.totpEnabledAt) {
        throw new DcaError("failed-precondition", "two-factor sign-in is already on for this account; turn it off first to enrol another device", {
          reason: "totp-on",
        });
      }
      await confirmIdentity(id, proof);
      const secret = newTotpSecret();
      store.setTotpPending(u.id, secret);
      const uri = totpUri(issuer, u.username, secret);
      const qr = totpQr(uri);
      return { uri, secret, qrTerminal: qr.terminal, qrSvg: qr.svg };
    },

    /**
     * Finishes enrolment with a code the app shows now (one step either side accepted): the
     * user as it now is and their recovery codes, to show once. `invalid-argument` for a wrong
     * code (try again), `failed-precondition` when no enrolment is pending.
     */
    confirmTotpEnrolment(id: string, code: string): { user: User; recoveryCodes: string[] } {
      const u = requireUser(id);
      const pending = store.userSecrets(u.id)?.totpPendingSecret ?? "";
      if (!pending) throw new DcaError("failed-precondition", "no two-factor enrolment is pending; start the enrolment again", { reason: "not-pending" });
      const step = verifyTotpCode(pending, code.replace(/\s+/g, ""), clock.now(), 0);
      if (step === undefined) {
        throw new DcaError("invalid-argument", "the code does not match; type the code the app shows now (and check the phone's clock)", {
          reason: "bad-code",
        });
      }
      const { codes, hashes } = issueCodes();
      return { user: store.enableTotp(u.id, step, hashes), recoveryCodes: codes };
    },

    /** Turns the user's own TOTP off (the current password or a code confirms it); the recovery codes go too. */
    async disableTotp(id: string, proof: Proof): Promise<User> {
      requireTotp(requireUser(id));
      await confirmIdentity(id, proof);
      return store.clearTotp(id);
    },

    /** New recovery codes for the user's own account (the old ones are void), to show once. */
    async regenerateRecoveryCodes(id: string, proof: Proof): Promise<string[]> {
      requireTotp(requireUser(id));
      await confirmIdentity(id, proof);
      const { codes, hashes } = issueCodes();
      store.replaceRecoveryCodes(id, hashes);
      return codes;
    },

    /** An admin turns a user's TOTP off (a lost phone and no recovery code); the user enrols again. */
    resetTotp(id: string): User {
      return store.clearTotp(requireUser(id).id);
    },

    /** How many unused recovery codes the user has. */
    recoveryCodesLeft(id: string): number {
      return store.recoveryCodesLeft(requireUser(id).id);
    },
  };
}

/** The second-factor functions (see createTotpEnrolment). */
export type TotpEnrolments = ReturnType<typeof createTotpEnrolment>;
