// Vite plugin for the page: leaves out the parts of protobuf-es the page never runs.
//
// - `fileDesc` (codegenv2/file.js) parses the embedded descriptors with
//   src/api/leanFileDesc.ts instead of protobuf-es's full descriptor.proto schema (4.4 kB gzip);
//   the rest of the function, and the registry it feeds, stay the library's. That parser
//   refuses proto2 default values, so the registry's parser of them (wire/text-format.js,
//   0.7 kB gzip) can never run and becomes a stub too.
// - The JSON codec (from-json.js, to-json.js) becomes stubs that throw: the page talks binary
//   Connect and gRPC-Web only (src/api/client.ts), but connect-web references both codecs, so
//   tree shaking cannot drop the JSON one (4.7 kB gzip with the well-known types it pulls in).
// - The value checks of the reflection API (reflect/reflect-check.js, 1.1 kB gzip) run only
//   when a value is set through `reflect()` with checking on. The page never does: fromBinary
//   sets values unchecked, toBinary and create() do not go through it, and the JSON codec that
//   also uses it is gone. They become stubs that throw, so a future path that needs them fails
//   loudly in the end-to-end tests instead of skipping validation.
// - Enums of the well-known types are compiled TypeScript enums: an IIFE per enum, which the
//   bundler must keep as a possible side effect. Rewritten as pure calls, the unused ones
//   (all but one of descriptor.proto's 20, 1.1 kB gzip) drop out.
//
// The targets are files inside a pinned dependency. If an upgrade moves them the build fails
// here rather than silently growing, and tests/integration/bundle.test.ts checks the result.

import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Plugin } from 'vite';

const PROTOBUF_ESM = /[\\/]@bufbuild[\\/]protobuf[\\/]dist[\\/]esm[\\/]/;
const FILE_DESC = /[\\/]codegenv2[\\/]file\.js$/;
const WKT_GEN = /[\\/]wkt[\\/]gen[\\/]/;
const LEAN_FILE_DESC = fileURLToPath(new URL('../src/api/leanFileDesc.ts', import.meta.url));

/** Message thrown if a JSON codec function is ever called in the page. */
export const JSON_CODEC_LEFT_OUT =
  'keyviz page: the protobuf JSON codec is left out of this bundle (binary Connect and gRPC-Web only)';
/** Message thrown if the registry ever parses a default value (leanFileDesc.ts refuses them). */
export const TEXT_FORMAT_LEFT_OUT =
  'keyviz page: protobuf default values are left out of this bundle (proto3 only)';
/** Message thrown if a value is ever set through checked reflection. */
export const REFLECT_CHECK_LEFT_OUT =
  'keyviz page: checked reflection (reflect().set) is left out of this bundle';

/** Modules replaced by throwing stubs: name (for the build check), path, message. */
export const STUBBED: [string, RegExp, string][] = [
  ['from-json', /[\\/]esm[\\/]from-json\.js$/, JSON_CODEC_LEFT_OUT],
  ['to-json', /[\\/]esm[\\/]to-json\.js$/, JSON_CODEC_LEFT_OUT],
  ['text-format', /[\\/]wire[\\/]text-format\.js$/, TEXT_FORMAT_LEFT_OUT],
  ['reflect-check', /[\\/]reflect[\\/]reflect-check\.js$/, REFLECT_CHECK_LEFT_OUT],
];

/** A module exporting every function `source` exports, each throwing `message`. */
export function throwingStub(source: string, id: string, message: string): string {
  const names = [...source.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
  const other = source.match(/^export (?!function )[^\n]*/m);
  if (other || names.length === 0) {
    throw new Error(`leanProtobuf: unexpected exports in ${id} (${other?.[0] ?? 'none'})`);
  }
  const body = names.map((n) => `export function ${n}() { fail(); }`).join('\n');
  return `function fail() { throw new Error(${JSON.stringify(message)}); }\n${body}\n`;
}

const TS_ENUM =
  /^export var (\w+);\n\(function \(\1\) \{\n([\s\S]*?)\n\}\)\(\1 \|\| \(\1 = \{\}\)\);$/gm;

/** `export var E; (function (E) {...})(E || (E = {}));` -> a pure call the bundler may drop. */
export function pureEnums(source: string): string {
  return source.replace(
    TS_ENUM,
    (_m, name: string, body: string) =>
      `export var ${name} = /*@__PURE__*/ (function (${name}) {\n${body}\n    return ${name};\n})({});`,
  );
}

/** codegenv2/file.js with its FileDescriptorProto parser swapped for leanFileDesc.ts. */
export function leanFileDescModule(source: string, parser = LEAN_FILE_DESC): string {
  const swaps: [string, string][] = [
    [
      'import { FileDescriptorProtoSchema } from "../wkt/gen/google/protobuf/descriptor_pb.js";',
      `import { parseFileDescriptor } from ${JSON.stringify(parser)};`,
    ],
    ['import { fromBinary } from "../from-binary.js";', ''],
    ['fromBinary(FileDescriptorProtoSchema, ', 'parseFileDescriptor('],
  ];
  let out = source;
  for (const [from, to] of swaps) {
    if (out.split(from).length !== 2) {
      throw new Error(`leanProtobuf: codegenv2/file.js changed (looked for ${from})`);
    }
    out = out.replace(from, to);
  }
  if (/FileDescriptorProtoSchema|fromBinary/.test(out)) {
    throw new Error('leanProtobuf: codegenv2/file.js still uses the full descriptor schema');
  }
  return out;
}

export function leanProtobuf(): Plugin {
  const replaced = new Set<string>();
  return {
    name: 'keyviz-lean-protobuf',
    enforce: 'pre',
    buildStart() {
      replaced.clear();
    },
    load(id) {
      const path = id.split('?')[0];
      if (!PROTOBUF_ESM.test(path)) return null;
      if (FILE_DESC.test(path)) {
        replaced.add('fileDesc');
        return leanFileDescModule(readFileSync(path, 'utf8'));
      }
      const stub = STUBBED.find(([, re]) => re.test(path));
      if (stub) {
        replaced.add(stub[0]);
        return throwingStub(readFileSync(path, 'utf8'), path, stub[2]);
      }
      if (WKT_GEN.test(path)) return pureEnums(readFileSync(path, 'utf8'));
      return null;
    },
    buildEnd(err) {
      // Only a full build sees every module; the dev server loads them on demand.
      if (err || this.meta.watchMode) return;
      const missing = ['fileDesc', ...STUBBED.map(([name]) => name)].filter(
        (k) => !replaced.has(k),
      );
      if (missing.length) {
        this.error(`leanProtobuf: never saw ${missing.join(', ')}; did @bufbuild/protobuf move?`);
      }
    },
  };
}
