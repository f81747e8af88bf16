// The questions asked in a terminal: a line of text, or one of a few numbered choices. No
// dependency, so `npm create whisk-app` downloads one small package and starts at once.
import { createInterface } from "node:readline/promises";

/**
 * @param {{ input: NodeJS.ReadableStream, output: NodeJS.WritableStream }} io
 */
export function createPrompts({ input, output }) {
  const rl = createInterface({ input, output });
  return {
    /**
     * Asks until `check` accepts the answer (an empty answer takes `fallback`).
     * @param {string} question
     * @param {string} fallback
     * @param {(answer: string) => string | null} check returns why an answer is refused, or null
     */
    async text(question, fallback, check) {
      for (;;) {
        const answer = (await rl.question(`${question} (${fallback}) `)).trim() || fallback;
        const refusal = check(answer);
        if (!refusal) return answer;
        output.write(`  ${refusal}\n`);
      }
    },
    /**
     * Numbered choices; Enter takes the first.
     * @template {string} T
     * @param {string} question
     * @param {{ value: T, label: string }[]} choices
     * @returns {Promise<T>}
     */
    async choose(question, choices) {
      output.write(`${question}\n`);
      choices.forEach((choice, i) => {
        output.write(`  ${i + 1}. ${choice.label}\n`);
      });
      for (;;) {
        const answer = (await rl.question(`Choose 1-${choices.length} (1) `)).trim() || "1";
        const picked = choices[Number(answer) - 1] ?? choices.find((choice) => choice.value === answer.toLowerCase());
        if (picked) return picked.value;
        output.write(`  Answer with a number from 1 to ${choices.length}.\n`);
      }
    },
    close: () => rl.close(),
  };
}
