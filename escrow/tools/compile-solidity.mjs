// Compiles the escrow contracts with the pinned solcjs (package-lock.json) through solc's
// standard-JSON interface and writes <Contract>.abi and <Contract>.bin per deployable contract,
// the two inputs web3j's wrapper generator takes. Run by the Maven build (exec-maven-plugin).
//
// usage: node tools/compile-solidity.mjs --out DIR --sources DIR [--libs DIR]... [--via-ir true]
//   --sources: the .sol files compiled and written out
//   --libs:    further roots that imports may resolve against (not written out)
//   --via-ir:  compile through the IR pipeline (the proof verifier: its arithmetic keeps more
//              values live than the legacy code generator's 16 stack slots allow)
import fs from 'node:fs';
import path from 'node:path';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const solc = require('solc');

// Kept in one place so that the bytecode (and so the gas table) is reproducible.
const SETTINGS = {
  optimizer: { enabled: true, runs: 200 },
  evmVersion: 'cancun',
  outputSelection: { '*': { '*': ['abi', 'evm.bytecode.object'] } },
};

function parseArgs(argv) {
  const args = { out: null, sources: null, libs: [], viaIR: false };
  for (let i = 0; i < argv.length; i += 2) {
    const [flag, value] = [argv[i], argv[i + 1]];
    if (value === undefined) throw new Error(`missing value after ${flag}`);
    if (flag === '--out') args.out = value;
    else if (flag === '--sources') args.sources = value;
    else if (flag === '--libs') args.libs.push(value);
    else if (flag === '--via-ir') args.viaIR = value === 'true';
    else throw new Error(`unknown flag ${flag}`);
  }
  if (!args.out || !args.sources) throw new Error('--out and --sources are required');
  return args;
}

function solFiles(root) {
  return fs.readdirSync(root, { recursive: true })
    .filter((f) => f.endsWith('.sol'))
    .map((f) => f.split(path.sep).join('/'))
    .sort();
}

const args = parseArgs(process.argv.slice(2));
const roots = [args.sources, ...args.libs];
const input = { language: 'Solidity', sources: {}, settings: { ...SETTINGS, viaIR: args.viaIR } };
for (const file of solFiles(args.sources)) {
  input.sources[file] = { content: fs.readFileSync(path.join(args.sources, file), 'utf8') };
}

// Imports that are not among the sources (e.g. test contracts importing main ones) are looked
// up in every root in order.
function findImports(importPath) {
  for (const root of roots) {
    const candidate = path.join(root, importPath);
    if (fs.existsSync(candidate)) return { contents: fs.readFileSync(candidate, 'utf8') };
  }
  return { error: `not found in ${roots.join(', ')}: ${importPath}` };
}

const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImports }));
let failed = false;
for (const diagnostic of output.errors ?? []) {
  console.error(diagnostic.formattedMessage ?? diagnostic.message);
  if (diagnostic.severity === 'error') failed = true;
}
if (failed) {
  console.error(`solc ${solc.version()}: compilation failed`);
  process.exit(1);
}

fs.mkdirSync(args.out, { recursive: true });
let written = 0;
for (const file of Object.keys(input.sources)) {
  for (const [name, contract] of Object.entries(output.contracts?.[file] ?? {})) {
    const bytecode = contract.evm?.bytecode?.object ?? '';
    // Interfaces, abstract contracts and internal-only libraries are never deployed on their own.
    if (bytecode.length === 0 || contract.abi.length === 0) continue;
    fs.writeFileSync(path.join(args.out, `${name}.abi`), JSON.stringify(contract.abi));
    fs.writeFileSync(path.join(args.out, `${name}.bin`), bytecode);
    written += 1;
  }
}
console.log(`solc ${solc.version()}: ${written} contracts from ${args.sources} -> ${args.out}`);
