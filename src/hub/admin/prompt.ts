/**
 * Asking the person at the terminal: a line, or a secret without echo. Off
 * a terminal (scripts, CI, a service) nothing is asked: the caller says
 * which file or variable gives the value instead.
 */
import { DcaError } from "../../common/errors.ts";

/** Longest answer taken. */
const MAX_ANSWER = 1024;

/** Asks `question` on the terminal; `secret` hides what is typed. `instead` says how to give it without a terminal. */
export async function ask(question: string, opts: { secret?: boolean; instead: string }): Promise<string> {
  const stdin = process.stdin;
  if (!stdin.isTTY || !process.stderr.isTTY) throw new DcaError("usage", `no terminal to ask for ${question.replace(/[:\s]+$/, "").toLowerCase()}; ${opts.instead}`);
  process.stderr.write(question);
  if (opts.secret) stdin.setRawMode(true);
  stdin.resume();
  try {
    return await new Promise<string>((resolve, reject) => {
      let text = "";
      const onData = (chunk: Buffer) => {
        for (const ch of chunk.toString("utf8")) {
          if (ch === "\r" || ch === "\n") return finish(() => resolve(text));
          if (ch === "\u0003") return finish(() => reject(new DcaError("canceled", "canceled")));
          if (ch === "\u0004" && text === "") return finish(() => reject(new DcaError("canceled", "canceled")));
          if (ch === "\u007f" || ch === "\b") text = [...text].slice(0, -1).join("");
          else if (ch >= " " && text.length < MAX_ANSWER) text += ch;
        }
      };
      const finish = (then: () => void) => {
        stdin.off("data", onData);
        if (opts.secret) process.stderr.write("\n");
        then();
      };
      stdin.on("data", onData);
    });
  } finally {
    if (opts.secret) stdin.setRawMode(false);
    stdin.pause();
  }
}
