// Offline check of Kubernetes manifests: every YAML document is type-checked by the
// TypeScript compiler against the Kubernetes API types (kubernetes-types), as an object
// literal, so an unknown field (a typo such as `readinesProbe`), a wrong type or a missing
// required field is an error, with the file and the document's kind/name.
//   node check.mjs FILE_OR_DIR...    exit 0: all valid; 1: errors (printed); 2: usage
import fs from "node:fs";
import path from "node:path";
import os from "node:os";
import ts from "typescript";
import YAML from "yaml";

const args = process.argv.slice(2);
if (args.length === 0) {
  console.error("usage: node check.mjs FILE_OR_DIR...");
  process.exit(2);
}
const files = args.flatMap((a) =>
  fs.statSync(a).isDirectory()
    ? fs.readdirSync(a).filter((f) => /\.ya?ml$/.test(f)).sort().map((f) => path.join(a, f))
    : [a]);

// apiVersion -> module of kubernetes-types: "v1" is core, "apps/v1" is apps/v1,
// "networking.k8s.io/v1" is networking/v1.
function typeModule(apiVersion) {
  const [group, version] = apiVersion.includes("/") ? apiVersion.split("/") : ["core", apiVersion];
  return `kubernetes-types/${group.replace(/\.k8s\.io$/, "")}/${version}`;
}

const errors = [];
const lines = [];
const where = [];  // line index in the generated source -> "file: Kind/name"
let n = 0;
for (const file of files) {
  const docs = YAML.parseAllDocuments(fs.readFileSync(file, "utf8"));
  for (const doc of docs) {
    if (doc.errors.length > 0) {
      for (const e of doc.errors) errors.push(`${file}: ${e.message}`);
      continue;
    }
    const obj = doc.toJS();
    if (obj === null || obj === undefined) continue;
    const label = `${file}: ${obj.kind ?? "?"}/${obj.metadata?.name ?? "?"}`;
    if (typeof obj.apiVersion !== "string" || typeof obj.kind !== "string") {
      errors.push(`${label}: apiVersion and kind are required`);
      continue;
    }
    const mod = typeModule(obj.apiVersion);
    const modFile = path.join(import.meta.dirname ?? path.dirname(new URL(import.meta.url).pathname),
      "node_modules", mod + ".d.ts");
    if (!fs.existsSync(modFile) || !new RegExp(`export interface ${obj.kind}\\b`).test(fs.readFileSync(modFile, "utf8"))) {
      errors.push(`${label}: unknown kind ${obj.kind} in ${obj.apiVersion}`);
      continue;
    }
    lines.push(`import type { ${obj.kind} as T${n} } from "${mod}";`);
    const body = `const d${n}: T${n} = ${JSON.stringify(obj, null, 1)};`;
    for (const _ of body.split("\n")) where.push(label);
    lines.push(body);
    n++;
  }
}

if (n > 0) {
  // Imports first, then the documents: the line map counts only document lines.
  const imports = lines.filter((l) => l.startsWith("import "));
  const bodies = lines.filter((l) => !l.startsWith("import "));
  const source = [...imports, ...bodies].join("\n") + "\nexport {};\n";
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "k8s-check-"));
  const input = path.join(dir, "manifests.ts");
  fs.writeFileSync(input, source);
  const here = path.dirname(new URL(import.meta.url).pathname);
  const program = ts.createProgram([input], {
    strict: true, noEmit: true, module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2020,
    moduleResolution: ts.ModuleResolutionKind.Node10, typeRoots: [],
    baseUrl: here, paths: { "kubernetes-types/*": [path.join(here, "node_modules/kubernetes-types/*")] },
  });
  for (const d of ts.getPreEmitDiagnostics(program)) {
    const msg = ts.flattenDiagnosticMessageText(d.messageText, "\n");
    if (d.file && d.start !== undefined) {
      const { line } = d.file.getLineAndCharacterOfPosition(d.start);
      const label = where[line - imports.length] ?? "?";
      const text = d.file.text.split("\n")[line].trim();
      errors.push(`${label}: ${msg.split("\n")[0]} (at ${text})`);
    } else {
      errors.push(msg);
    }
  }
  fs.rmSync(dir, { recursive: true, force: true });
}

for (const e of errors) console.error(e);
console.log(`k8s-check: ${n} document(s) in ${files.length} file(s), ${errors.length} error(s)`);
process.exit(errors.length === 0 ? 0 : 1);
