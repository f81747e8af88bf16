#!/usr/bin/env node
import { main } from "../src/main.mjs";

main(process.argv.slice(2)).catch((err) => {
  console.error(`create-whisk-app: ${err instanceof Error ? err.message : err}`);
  process.exit(1);
});
