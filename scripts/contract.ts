/**
 * `npm run contract`: writes the app's wire contract, docs/CONTRACT.md and docs/asyncapi.json,
 * from its definitions (server/app.ts). server/contract.test.ts fails when they are out of date.
 */
import { writeFileSync } from "node:fs";
import { join } from "node:path";
import { contractFiles } from "../server/contract-files";

const root = join(import.meta.dirname, "..");
for (const [path, text] of Object.entries(await contractFiles())) {
  writeFileSync(join(root, path), text);
  console.log(`wrote ${path}`);
}
