/**
 * Asking for a secret at a terminal without showing it: the terminal is put
 * in raw mode for the answer (no echo), the question goes to stderr so that
 * stdout stays the command's output. Enter ends the answer, Backspace takes
 * back a character, Ctrl-C or Ctrl-D on an empty answer cancels.
 */
import { DcaError } from "../../common/errors.ts";

/** The longest answer kept (a password is at most 256 characters; room for pasted extra). */
const MAX_ANSWER = 4096;

/** Reads one line from the terminal without echo. */
export function promptHidden(question: string, input: NodeJS.ReadStream = process.stdin, output: NodeJS.WriteStream = process.stderr): Promise<string> {
  return new Promise((resolve, reject) => {
    let answer = "";
    const wasRaw = input.isRaw;
    const finish = (error?: DcaError) => {
      input.off("data", onData);
      input.setRawMode?.(wasRaw);
      input.pause();
      output.write("\n");
      if (error) reject(error);
      else resolve(answer);
    };
    const onData = (chunk: Buffer | string) => {
      for (const ch of String(chunk)) {
        if (ch === "\r" || ch === "\n") return finish();
        if (ch === "\u0003" || (ch === "\u0004" && answer === "")) return finish(new DcaError("canceled", "canceled at the prompt; nothing was changed"));
        if (ch === "\u007f" || ch === "\b") answer = [...answer].slice(0, -1).join("");
        else if (ch >= " " && answer.length < MAX_ANSWER) answer += ch;
      }
    };
    output.write(question);
    input.setRawMode?.(true);
    input.setEncoding("utf8");
    input.on("data", onData);
    input.resume();
  });
}
