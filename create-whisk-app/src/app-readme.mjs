// A new app's README speaks of the app: the parts about making apps from this repository, and
// about testing the scaffolder, stay with the repository.
import { readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";

/** [from, to]: a missing `from` is an error, so a README change the scaffolder has not followed fails its tests. */
const EDITS = /** @type {[RegExp, string][]} */ ([
  [
    /```sh\nnpm create whisk-app my-app[^\n]*\n```\n\nIt asks embedded or Redis[\s\S]*?\n\n/,
    "This app was made with `npm create whisk-app`.\n\n",
  ],
  // The bullet and its indented continuation lines.
  [/- `npm run test:create` \(this repository only[^\n]*\n(?: {2}[^\n]*\n)*/, ""],
]);

/** @param {string} target the new app's folder */
export function editAppReadme(target) {
  const path = join(target, "README.md");
  let text = readFileSync(path, "utf8");
  for (const [from, to] of EDITS) {
    if (!from.test(text)) throw new Error(`README.md no longer has ${from}: update create-whisk-app/src/app-readme.mjs`);
    text = text.replace(from, to);
  }
  writeFileSync(path, text);
}
