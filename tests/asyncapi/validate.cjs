// Validates an AsyncAPI document with the official parser (@asyncapi/parser, installed by scripts/bootstrap
// under .devstack/node). Usage: node tests/asyncapi/validate.cjs <document.json>
// Prints every diagnostic; exits 1 when one is an error or a warning, 2 when the parser is missing.
const fs = require("node:fs");
const path = require("node:path");

const root = path.resolve(__dirname, "..", "..");
let parserModule;
try {
  parserModule = require(require.resolve("@asyncapi/parser", { paths: [path.join(root, ".devstack", "node")] }));
} catch (error) {
  console.error(`@asyncapi/parser is not installed (run scripts/bootstrap): ${error.message}`);
  process.exit(2);
}
const { Parser, DiagnosticSeverity } = parserModule;

async function main() {
  const file = process.argv[2];
  if (!file) {
    console.error("usage: validate.cjs <document.json>");
    process.exit(2);
  }
  const { document, diagnostics } = await new Parser().parse(fs.readFileSync(file, "utf8"), { source: file });
  const names = { 0: "error", 1: "warning", 2: "information", 3: "hint" };
  let failed = document === undefined;
  for (const d of diagnostics) {
    console.log(`${names[d.severity] ?? d.severity} ${d.code} at ${JSON.stringify(d.path)}: ${d.message}`);
    if (d.severity === DiagnosticSeverity.Error || d.severity === DiagnosticSeverity.Warning) {
      failed = true;
    }
  }
  if (document !== undefined) {
    console.log(`asyncapi ${document.version()}: ${document.channels().length} channels, ${document.allMessages().length} messages`);
  }
  process.exit(failed ? 1 : 0);
}

main().catch((error) => {
  console.error(error);
  process.exit(2);
});
