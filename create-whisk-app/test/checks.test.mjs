import assert from "node:assert/strict";
import { test } from "node:test";
import { checkName, checkNode, satisfies } from "../src/checks.mjs";
import { choosePackageManager, detectPackageManager } from "../src/package-manager.mjs";

test("names follow npm's package-name rules", () => {
  assert.equal(checkName("my-app"), null);
  assert.match(checkName("My App") ?? "", /lowercase/);
  assert.match(checkName(".hidden") ?? "", /not a valid package name/);
  assert.match(checkName("a".repeat(215)) ?? "", /214/);
});

test("Node versions are compared against the template's engines", () => {
  assert.equal(satisfies("20.9.0", "20.9.0"), true);
  assert.equal(satisfies("v22.1.0", "20.9.0"), true);
  assert.equal(satisfies("20.8.9", "20.9.0"), false);
  assert.equal(checkNode(">=20.9.0", "18.19.0"), "Node 18.19.0 is too old: this template needs Node 20.9.0 or newer");
});

test("the package manager comes from npm_config_user_agent", () => {
  assert.equal(detectPackageManager("pnpm/9.1.0 npm/? node/v20.11.0 linux x64"), "pnpm");
  assert.equal(detectPackageManager("yarn/4.1.0 npm/? node/v20.11.0"), "yarn");
  assert.equal(detectPackageManager("bun/1.1.0 npm/? node/v20.11.0"), "bun");
  assert.equal(detectPackageManager("npm/11.0.0 node/v20.11.0"), "npm");
  assert.equal(detectPackageManager(""), "npm");
});

test("a --use-<name> flag picks the package manager over the one that ran us; two flags are refused", () => {
  const ranByNpm = "npm/11.0.0 node/v24.0.0";
  assert.equal(choosePackageManager({}, ranByNpm), "npm");
  assert.equal(choosePackageManager({ "use-pnpm": true }, ranByNpm), "pnpm");
  assert.equal(choosePackageManager({ "use-yarn": true }, ranByNpm), "yarn");
  assert.equal(choosePackageManager({ "use-bun": true }, ranByNpm), "bun");
  assert.equal(choosePackageManager({ "use-npm": true }, "pnpm/10.0.0 npm/? node/v24.0.0"), "npm");
  assert.throws(
    () => choosePackageManager({ "use-pnpm": true, "use-bun": true }, ranByNpm),
    /choose one package manager, not --use-pnpm and --use-bun/,
  );
});
