/**
 * Secrets the people commands send (a new password, an OIDC client secret,
 * an LDAP bind password), never from the command line, which shows in `ps`
 * and in shell history: from a file, from the environment, or typed at a
 * terminal without echo. Errors name the file or the variable, never a value.
 */
import { readFileSync } from "node:fs";
import { type ParsedArgs, UsageError, flag } from "../../common/args.ts";
import { DcaError } from "../../common/errors.ts";
import type { AdminContext } from "./admin-context.ts";
import { ask } from "./prompt.ts";

/** The most a secret file may hold. */
const MAX_SECRET_FILE = 64 * 1024;

/** The environment variable a new password may come from (scripts, tests). */
export const NEW_PASSWORD_ENV = "DCA_HUB_NEW_PASSWORD";

/**
 * The secret in a file: its first line, as `login` and `admin-local` read theirs (a password may
 * start or end with a space). Refuses a missing, oversized or empty file.
 */
export function readSecretFile(path: string, option: string): string {
  let text: string;
  try {
    const bytes = readFileSync(path);
    if (bytes.length > MAX_SECRET_FILE) throw new UsageError(`--${option} ${path} holds ${bytes.length} bytes: not a secret file; give a file with the secret alone`);
    text = bytes.toString("utf8");
  } catch (e) {
    if (e instanceof DcaError) throw e;
    const code = (e as NodeJS.ErrnoException).code;
    const why = code === "ENOENT" ? "no such file" : code === "EACCES" ? "permission denied" : code === "EISDIR" ? "it is a folder" : (code ?? "error");
    throw new UsageError(`cannot read --${option} ${path}: ${why}`);
  }
  const secret = text.replace(/\r?\n[\s\S]*$/, "");
  if (secret === "") throw new UsageError(`--${option} ${path} is empty`);
  return secret;
}

/** A secret from `--NAME-file` or the variable `env`; undefined when neither is given. */
export function optionalSecret(ctx: AdminContext<unknown>, p: ParsedArgs, fileOption: string, env: string): string | undefined {
  const file = flag(p, fileOption);
  if (file !== undefined) return readSecretFile(file, fileOption);
  const value = (ctx.io.env ?? process.env)[env];
  return value ? value : undefined;
}

/**
 * A new password for `username`: `--password-file F`, else $DCA_HUB_NEW_PASSWORD, else typed
 * twice at a terminal. The hub checks the policy; the CLI only checks the two typings match.
 */
export async function newPassword(ctx: AdminContext<unknown>, p: ParsedArgs, username: string): Promise<string> {
  const given = optionalSecret(ctx, p, "password-file", NEW_PASSWORD_ENV);
  if (given !== undefined) return given;
  const instead = `give --password-file F or set ${NEW_PASSWORD_ENV}`;
  const prompt = ctx.io.promptSecret ?? ((question: string) => ask(question, { secret: true, instead }));
  const first = await prompt(`New password for ${username} (at least 12 characters): `);
  const second = await prompt("Type it again: ");
  if (first !== second) throw new UsageError("the two passwords typed differ; run the command again");
  if (first === "") throw new UsageError("no password typed; run the command again");
  return first;
}
