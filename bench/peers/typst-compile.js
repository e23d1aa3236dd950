// Compiles a Typst file to PDF with the typst.ts node compiler (Typst 0.14 in a native
// Node addon, npm package @myriaddreamin/typst-ts-node-compiler), like `typst compile`.
// Usage: node typst-compile.js MODULE_DIR FONT_DIR INPUT.typ OUTPUT.pdf
"use strict";
const fs = require("fs");
const path = require("path");
const [moduleDir, fontDir, input, output] = process.argv.slice(2);
if (!output) {
  console.error("usage: node typst-compile.js MODULE_DIR FONT_DIR INPUT.typ OUTPUT.pdf");
  process.exit(2);
}
const { NodeCompiler } = require(path.resolve(moduleDir));
const main = path.resolve(input);
const compiler = NodeCompiler.create({
  workspace: path.dirname(main),
  fontArgs: [{ fontPaths: [path.resolve(fontDir)] }],
});
const res = compiler.compile({ mainFilePath: main });
const doc = res.result;
if (res.hasError() || !doc) {
  res.printDiagnostics();
  process.exit(1);
}
fs.writeFileSync(output, compiler.pdf(doc));
