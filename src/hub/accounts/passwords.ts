/**
 * Passwords: the policy and the hash.
 *
 * The policy follows NIST SP 800-63B: length first (12 to 256
 * characters, counted as Unicode code points after NFKC normalisation, any
 * characters, spaces too), no composition rules, and a blocklist: commonly
 * used passwords (the list zxcvbn-ts ships, MIT; also with digits or
 * punctuation merely added around one), runs of one repeated or sequential
 * pattern, the hub's own name, and the username. Refusals are one line that
 * says what is wrong and what is allowed, and never repeat the password.
 *
 * The hash is Argon2id through Bun.password (its defaults: 64 MiB, 2 passes,
 * a random salt, the PHC string form), on the NFKC form of the password.
 * Verifying always costs one Argon2id verify, whether or not there is a hash
 * to verify against: an unknown username, an SSO user without a local
 * password and an absurdly long input all spend it on a dummy hash, so the
 * time a refusal takes tells nothing about which usernames exist.
 */
import { randomBytes } from "node:crypto";
import { DcaError } from "../../common/errors.ts";

/** Longest input (UTF-16 units) taken at all, before normalising: 4 per allowed character is room enough. */
const MAX_VERIFY_INPUT = 256 * 4;

/** Fewest characters (code points) a password may have. */
export const PASSWORD_MIN_CHARS = 12;
/** Most characters (code points) a password may have. */
export const PASSWORD_MAX_CHARS = 256;

const ALLOWED = `use ${PASSWORD_MIN_CHARS} to ${PASSWORD_MAX_CHARS} characters of any kind (a few unrelated words make a good one)`;
// Words of this service a guesser tries first, checked like the common list.
const CONTEXT_WORDS = ["dca", "dcahub", "dca-hub", "dca hub", "printfleet"];
// Digits and punctuation people add around a weak word to pass a length rule.
const PADDING = /^[\d\p{P}\p{S}\s]+|[\d\p{P}\p{S}\s]+$/gu;

/** A password as it is counted, hashed and verified: NFKC, so one typed form matches however it was encoded. */
export function normalisePassword(password: string): string {
  return password.normalize("NFKC");
}

let common: Promise<Set<string>> | undefined;

/**
 * The common-password list, loaded on first use (about 49,000 entries, ~30 ms), so
 * the hub does not pay for it at start. Entries are lower case.
 */
function commonPasswords(): Promise<Set<string>> {
  common ??= import("@zxcvbn-ts/language-common").then(({ dictionary }) => new Set([...dictionary["passwords-common"], ...CONTEXT_WORDS]));
  return common;
}

/** Whether `password` (already normalised) is a listed one, or one with only digits or punctuation around it. */
export async function isCommonPassword(password: string): Promise<boolean> {
  const list = await commonPasswords();
  const lower = password.toLowerCase();
  if (list.has(lower)) return true;
  const core = lower.replace(PADDING, "");
  return [...core].length >= 3 && core !== lower && list.has(core);
}

/** Whether the whole password repeats one short pattern ("aaaa...", "abcabc...") or runs in sequence ("abcdef...", "9876..."). */
export function isRepetitiveOrSequential(password: string): boolean {
  const cps = [...password.toLowerCase()].map((c) => c.codePointAt(0)!);
  for (let unit = 1; unit <= 4; unit++) {
    if (cps.length >= unit * 3 && cps.every((c, i) => c === cps[i % unit])) return true;
  }
  const steps = cps.slice(1).map((c, i) => c - cps[i]);
  return steps.length > 0 && (steps.every((d) => d === 1) || steps.every((d) => d === -1));
}

/**
 * Refuses (DcaError `invalid-argument`, reason "password-policy") a password the
 * policy does not allow for `username`; resolves when it is allowed.
 */
export async function checkPasswordPolicy(password: string, username: string): Promise<void> {
  const pw = normalisePassword(password);
  const length = [...pw].length;
  const refuse = (what: string) => {
    throw new DcaError("invalid-argument", `password refused: ${what}; ${ALLOWED}`, { reason: "password-policy" });
  };
  if (length < PASSWORD_MIN_CHARS) refuse(`it is shorter than ${PASSWORD_MIN_CHARS} characters`);
  // The raw bound too, so every password the policy allows is one verifyPassword will check.
  if (length > PASSWORD_MAX_CHARS || password.length > MAX_VERIFY_INPUT) refuse(`it is longer than ${PASSWORD_MAX_CHARS} characters`);
  const name = username.toLowerCase();
  // A name of one or two letters is inside too many good passwords to refuse them all.
  if (name && (pw.toLowerCase() === name || (name.length >= 3 && pw.toLowerCase().includes(name)))) refuse("it contains the username");
  if (isRepetitiveOrSequential(pw)) refuse("it is one character or short pattern repeated, or a run in sequence");
  if (await isCommonPassword(pw)) refuse("it is on the list of commonly used passwords, or one of them with digits or symbols added");
}


/** The Argon2id hash (PHC string) of a password (the caller checked the policy). */
export function hashPassword(password: string): Promise<string> {
  return Bun.password.hash(normalisePassword(password), { algorithm: "argon2id" });
}

let dummy: Promise<string> | undefined;

/** A hash of a random password nobody knows, made once with the same parameters as real ones. */
function dummyHash(): Promise<string> {
  dummy ??= hashPassword(randomBytes(18).toString("base64url"));
  return dummy;
}

/**
 * Whether `password` matches `hash`. An empty hash (unknown user, no local password) spends
 * the same work on a dummy hash and is false; so is an input longer than any allowed password.
 */
export async function verifyPassword(password: string, hash: string): Promise<boolean> {
  const tooLong = password.length > MAX_VERIFY_INPUT;
  const against = hash || (await dummyHash());
  let ok = false;
  try {
    ok = await Bun.password.verify(tooLong ? "" : normalisePassword(password), against, "argon2id");
  } catch {
    // A stored hash that is not Argon2id PHC (damaged, or from elsewhere) verifies nothing.
    ok = false;
  }
  return ok && !tooLong && hash !== "";
}

/** Spends one verify on the dummy hash: for paths that must take as long as a real check. */
export async function spendVerify(password: string): Promise<void> {
  await verifyPassword(password, "");
}
