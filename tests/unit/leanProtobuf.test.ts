// The page build's protobuf-es rewrites (scripts/leanProtobuf.ts), on the library's real files.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STUBBED, pureEnums, throwingStub } from '../../scripts/leanProtobuf.ts';

// The package's main entry is dist/commonjs/index.js; its ESM build sits beside it.
const esm = join(dirname(createRequire(import.meta.url).resolve('@bufbuild/protobuf')), '../esm');
const read = (f: string): string => readFileSync(join(esm, f), 'utf8');

/** Runs an ES module body with its exports turned into properties of the returned object. */
function evaluate(source: string): Record<string, unknown> {
  const names = [...source.matchAll(/^export (?:var|function) (\w+)/gm)].map((m) => m[1]);
  const body = source.replace(/^export /gm, '');
  return new Function(`${body}\nreturn { ${names.join(', ')} };`)() as Record<string, unknown>;
}

describe('throwingStub', () => {
  const files: Record<string, string> = {
    'from-json': 'from-json.js',
    'to-json': 'to-json.js',
    'text-format': 'wire/text-format.js',
    'reflect-check': 'reflect/reflect-check.js',
  };
  for (const [name, re, message] of STUBBED) {
    const file = files[name];
    it(`matches ${file} by path`, () => {
      expect(re.test(join(esm, file))).toBe(true);
      expect(STUBBED.filter(([, r]) => r.test(join(esm, file)))).toHaveLength(1);
    });
    it(`stubs every export of ${file} with a throwing function`, () => {
      const original = read(file);
      const exported = [...original.matchAll(/^export function (\w+)/gm)].map((m) => m[1]);
      expect(exported.length).toBeGreaterThanOrEqual(2);
      const stub = evaluate(throwingStub(original, file, message));
      expect(Object.keys(stub).sort()).toEqual([...exported].sort());
      for (const fn of Object.values(stub)) {
        expect(() => (fn as () => void)()).toThrow(message);
      }
    });
  }

  it('refuses a module with exports it does not understand', () => {
    expect(() => throwingStub('export const x = 1;\nexport function f() {}', 'm.js', 'x')).toThrow(
      /unexpected exports in m\.js/,
    );
  });
});

describe('pureEnums', () => {
  const source = read('wkt/gen/google/protobuf/descriptor_pb.js');
  const enumCount = [...source.matchAll(/^export var \w+;$/gm)].length;

  it('rewrites every compiled enum of descriptor.proto as a pure call', () => {
    expect(enumCount).toBeGreaterThanOrEqual(20);
    const out = pureEnums(source);
    expect(out.match(/= \/\*@__PURE__\*\/ \(function/g)?.length).toBe(enumCount);
    expect(out).not.toMatch(/\|\| \(\w+ = \{\}\)\);/);
  });

  it('keeps the enum objects the same', () => {
    // Only the enum blocks: the rest of the module imports other files.
    const blocks =
      source.match(/^export var (\w+);\n\(function[\s\S]*?\n\}\)\(\1 \|\| \(\1 = \{\}\)\);$/gm) ??
      [];
    expect(blocks.length).toBe(enumCount);
    const before = evaluate(blocks.join('\n'));
    const after = evaluate(pureEnums(blocks.join('\n')));
    expect(after).toEqual(before);
    expect(before.Edition).toMatchObject({ EDITION_PROTO3: 999, 999: 'EDITION_PROTO3' });
  });
});
