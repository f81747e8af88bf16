/**
 * This app's contract files, as `npm run contract` writes them: Markdown for people, AsyncAPI 3
 * for tools. Both are made from `app` (server/app.ts), never by hand. The title is fixed, not the
 * package's name, so a copy of the app under another name is still up to date.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { contractAsyncApi, contractMarkdown } from "whisk/host";
import { app } from "./app";

const TITLE = "Whisk app";

export async function contractFiles(): Promise<Record<string, string>> {
  const { version } = JSON.parse(readFileSync(join(import.meta.dirname, "..", "package.json"), "utf8")) as { version: string };
  return {
    "docs/CONTRACT.md": contractMarkdown(app, TITLE),
    "docs/asyncapi.json": `${JSON.stringify(contractAsyncApi(app, TITLE, version), null, 2)}\n`,
  };
}
