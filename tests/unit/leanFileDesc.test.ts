// The page bundle's `fileDesc` (protobuf-es's codegenv2/file.js as scripts/leanProtobuf.ts
// rewrites it, parsing with src/api/leanFileDesc.ts) must build exactly the descriptors the
// library builds, for every .proto file the page ships and for the well-known types (proto2
// defaults, oneofs, maps, packed options and services among them).
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import {
  clone,
  create,
  fromBinary,
  toBinary,
  type DescFile,
  type DescMessage,
} from '@bufbuild/protobuf';
import {
  embedFileDesc,
  fileDesc as libraryFileDesc,
  messageDesc,
} from '@bufbuild/protobuf/codegenv2';
import { base64Encode } from '@bufbuild/protobuf/wire';
import {
  FileDescriptorProtoSchema,
  type DescriptorProto,
  file_google_protobuf_any,
  file_google_protobuf_api,
  file_google_protobuf_compiler_plugin,
  file_google_protobuf_cpp_features,
  file_google_protobuf_descriptor,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_go_features,
  file_google_protobuf_java_features,
  file_google_protobuf_source_context,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_type,
  file_google_protobuf_wrappers,
} from '@bufbuild/protobuf/wkt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseFileDescriptor } from '../../src/api/leanFileDesc.ts';
import { leanFileDescModule } from '../../scripts/leanProtobuf.ts';
import { GetKeyVizMatrixResponseSchema, file_admin } from '../../src/gen/admin_pb.ts';
import { file_keyviz_wire } from '../../src/gen/keyviz_wire_pb.ts';

/** The base64 protoc-gen-es embeds for a file (descriptor.proto itself is booted, not embedded). */
function embedded(file: DescFile): string {
  const e = embedFileDesc(file.proto);
  return e.bootable
    ? base64Encode(toBinary(FileDescriptorProtoSchema, e.proto()), 'std_raw')
    : e.base64();
}

/** Everything about a file's descriptors that decoding, encoding or JSON names depend on. */
function shape(file: DescFile): unknown {
  const msg = (m: DescMessage): unknown => ({
    typeName: m.typeName,
    deprecated: m.deprecated,
    oneofs: m.oneofs.map((o) => [o.name, o.localName, o.fields.map((f) => f.number)]),
    fields: m.fields.map((f) => ({
      name: f.name,
      number: f.number,
      localName: f.localName,
      jsonName: f.jsonName,
      kind: f.fieldKind,
      presence: f.presence,
      deprecated: f.deprecated,
      oneof: f.oneof?.name,
      scalar: 'scalar' in f ? f.scalar : undefined,
      longAsString: 'longAsString' in f ? f.longAsString : undefined,
      listKind: f.fieldKind === 'list' ? f.listKind : undefined,
      packed: f.fieldKind === 'list' ? f.packed : undefined,
      mapKey: f.fieldKind === 'map' ? f.mapKey : undefined,
      mapKind: f.fieldKind === 'map' ? f.mapKind : undefined,
      message: f.message?.typeName,
      enum: f.enum?.typeName,
      default: f.fieldKind === 'scalar' || f.fieldKind === 'enum' ? f.getDefaultValue() : undefined,
    })),
    nestedEnums: m.nestedEnums.map((e) => e.typeName),
    nestedMessages: m.nestedMessages.map(msg),
  });
  return {
    name: file.name,
    edition: file.edition,
    dependencies: file.dependencies.map((d) => d.name),
    messages: file.messages.map(msg),
    extensions: file.extensions.map((e) => [
      e.typeName,
      e.number,
      e.extendee.typeName,
      e.fieldKind,
    ]),
    enums: file.enums.map((e) => ({
      typeName: e.typeName,
      open: e.open,
      prefix: e.sharedPrefix,
      values: e.values.map((v) => [v.name, v.number, v.localName]),
    })),
    services: file.services.map((s) => ({
      typeName: s.typeName,
      methods: s.methods.map((m) => [
        m.name,
        m.localName,
        m.methodKind,
        m.input.typeName,
        m.output.typeName,
        m.idempotency,
      ]),
    })),
  };
}

const FILES: DescFile[] = [
  file_admin,
  file_keyviz_wire,
  file_google_protobuf_any,
  file_google_protobuf_api,
  file_google_protobuf_compiler_plugin,
  file_google_protobuf_cpp_features, // extensions of FeatureSet
  file_google_protobuf_go_features,
  file_google_protobuf_java_features,
  file_google_protobuf_duration,
  file_google_protobuf_empty,
  file_google_protobuf_field_mask,
  file_google_protobuf_source_context,
  file_google_protobuf_struct,
  file_google_protobuf_timestamp,
  file_google_protobuf_type,
  file_google_protobuf_wrappers,
];

type FileDescFn = (b64: string, imports?: DescFile[]) => DescFile;

/**
 * Loads the rewritten file.js from a temporary copy whose relative imports point back into the
 * installed package, so it shares the library's module instances as it does in the bundle.
 */
function loadRewritten(dir: string): Promise<{ fileDesc: FileDescFn }> {
  const esm = join(dirname(createRequire(import.meta.url).resolve('@bufbuild/protobuf')), '../esm');
  const original = join(esm, 'codegenv2/file.js');
  const parser = resolve(import.meta.dirname, '../../src/api/leanFileDesc.ts');
  const source = leanFileDescModule(readFileSync(original, 'utf8'), parser).replace(
    /from "(\.\.?\/[^"]+)"/g,
    (_m, rel: string) => `from ${JSON.stringify(resolve(dirname(original), rel))}`,
  );
  const copy = join(dir, 'file.js');
  writeFileSync(copy, source);
  return import(copy) as Promise<{ fileDesc: FileDescFn }>;
}

describe('leanFileDesc', () => {
  const dir = mkdtempSync(join(tmpdir(), 'keyviz-lean-'));
  let fileDesc: FileDescFn;
  beforeAll(async () => {
    fileDesc = (await loadRewritten(dir)).fileDesc;
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  for (const file of FILES) {
    it(`builds the same descriptors as protobuf-es for ${file.proto.name}`, () => {
      const b64 = embedded(file);
      // Dependencies resolve to the library's own files, as in generated code.
      const lean = fileDesc(b64, file.dependencies);
      const library = libraryFileDesc(b64, file.dependencies);
      expect(shape(lean)).toEqual(shape(library));
      expect(shape(lean)).toEqual(shape(file));
    });
  }

  it('decodes and re-encodes a matrix answer byte for byte', () => {
    const lean = fileDesc(embedded(file_admin));
    const leanSchema = messageDesc(lean, 1) as DescMessage;
    expect(leanSchema.typeName).toBe('GetKeyVizMatrixResponse');
    const msg = create(GetKeyVizMatrixResponseSchema, {
      columnUnixMs: [1n, 2n, 1_700_000_000_000n],
      rows: [
        {
          bucketId: 'route:7',
          start: new Uint8Array([0, 255, 1]),
          end: new Uint8Array([9]),
          label: 'users/\u{1F600}',
          aggregate: true,
          routeIds: [1n, 2n ** 64n - 1n],
          routeCount: 3n,
          sampleRoles: [1, 2],
          values: [0n, 5n, 2n ** 53n + 1n],
          raftGroupIds: [4n, 0n, 4n],
          leaderTerms: [7n, 0n, 8n],
          contributingNodes: ['n1', 'n2'],
        },
      ],
      conflicts: [{ row: 0, column: 2, nodes: ['n1', 'n2'] }],
      nodes: [{ node: 'n1', ok: false, error: 'down' }],
    });
    const bytes = toBinary(GetKeyVizMatrixResponseSchema, msg);
    expect(toBinary(leanSchema, fromBinary(leanSchema, bytes))).toEqual(bytes);
  });

  it('refuses proto2 default values, naming the field, and matches the library without them', () => {
    const withDefaults = embedded(file_google_protobuf_descriptor);
    expect(() => fileDesc(withDefaults)).toThrow(
      /descriptor\.proto sets a default value on ExtensionRangeOptions\.verification/,
    );
    // descriptor.proto with its defaults cleared: proto2 presence, packed options, enums.
    const stripped = clone(FileDescriptorProtoSchema, file_google_protobuf_descriptor.proto);
    const clear = (ms: DescriptorProto[]): void => {
      for (const m of ms) {
        for (const f of m.field) delete (f as Partial<typeof f>).defaultValue;
        clear(m.nestedType);
      }
    };
    clear(stripped.messageType);
    const b64 = base64Encode(toBinary(FileDescriptorProtoSchema, stripped), 'std_raw');
    const lean = fileDesc(b64);
    expect(shape(lean)).toEqual(shape(libraryFileDesc(b64)));
    const fieldOptions = lean.messages.find((m) => m.name === 'FieldOptions');
    expect(fieldOptions?.fields.find((f) => f.name === 'packed')?.presence).toBe(1); // EXPLICIT
    const location = lean.messages.find((m) => m.name === 'SourceCodeInfo')?.nestedMessages[0];
    const path = location?.fields.find((f) => f.name === 'path');
    expect(path?.fieldKind === 'list' && path.packed).toBe(true);
  });

  it('carries options, oneofs, maps, negative enum numbers and streaming methods', () => {
    const proto = create(FileDescriptorProtoSchema, {
      name: 'x/all.proto',
      package: 'x.v1',
      syntax: 'proto3',
      messageType: [
        {
          name: 'M',
          field: [
            { name: 'a_b', number: 1, type: 5, label: 3, options: { packed: false } },
            { name: 'big', number: 2, type: 3, label: 1, options: { jstype: 1, deprecated: true } },
            { name: 'o1', number: 3, type: 9, label: 1, oneofIndex: 0 },
            { name: 'o2', number: 4, type: 12, label: 1, oneofIndex: 0 },
            { name: 'tags', number: 5, type: 11, label: 3, typeName: '.x.v1.M.TagsEntry' },
            { name: 'opt', number: 6, type: 9, label: 1, oneofIndex: 1, proto3Optional: true },
            { name: 'e', number: 7, type: 14, label: 1, typeName: '.x.v1.E', jsonName: 'eee' },
          ],
          oneofDecl: [{ name: 'choice' }, { name: '_opt' }],
          nestedType: [
            {
              name: 'TagsEntry',
              field: [
                { name: 'key', number: 1, type: 9, label: 1 },
                { name: 'value', number: 2, type: 8, label: 1 },
              ],
              options: { mapEntry: true },
            },
          ],
          options: { deprecated: true },
        },
      ],
      enumType: [
        {
          name: 'E',
          value: [
            { name: 'E_ZERO', number: 0 },
            { name: 'E_NEG', number: -2, options: { deprecated: true } },
          ],
        },
      ],
      service: [
        {
          name: 'S',
          method: [
            {
              name: 'Get',
              inputType: '.x.v1.M',
              outputType: '.x.v1.M',
              options: { idempotencyLevel: 1 },
            },
            { name: 'Watch', inputType: '.x.v1.M', outputType: '.x.v1.M', serverStreaming: true },
            {
              name: 'Chat',
              inputType: '.x.v1.M',
              outputType: '.x.v1.M',
              clientStreaming: true,
              serverStreaming: true,
            },
          ],
        },
      ],
    });
    const b64 = base64Encode(toBinary(FileDescriptorProtoSchema, proto), 'std_raw');
    const lean = fileDesc(b64);
    expect(shape(lean)).toEqual(shape(libraryFileDesc(b64)));
    const m = lean.messages[0];
    expect(m.fields.map((f) => f.fieldKind)).toEqual([
      'list',
      'scalar',
      'scalar',
      'scalar',
      'map',
      'scalar',
      'enum',
    ]);
    expect(m.oneofs.map((o) => o.name)).toEqual(['choice']);
    expect(lean.enums[0].values.map((v) => v.number)).toEqual([0, -2]);
    expect(lean.services[0].methods.map((x) => x.methodKind)).toEqual([
      'unary',
      'server_streaming',
      'bidi_streaming',
    ]);
  });

  it('refuses an editions file, naming it', () => {
    const editions = create(FileDescriptorProtoSchema, {
      name: 'e.proto',
      syntax: 'editions',
      edition: 1000,
    });
    expect(() => parseFileDescriptor(toBinary(FileDescriptorProtoSchema, editions))).toThrow(
      /e\.proto uses syntax "editions"/,
    );
  });

  it('skips fields it does not need and survives truncated input with an error', () => {
    const bytes = toBinary(FileDescriptorProtoSchema, file_admin.proto);
    expect(() => parseFileDescriptor(bytes.subarray(0, bytes.length - 3))).toThrow();
    // source_code_info (9) and options (8), appended (protobuf merges concatenated messages),
    // are skipped without changing the result.
    const extra = toBinary(
      FileDescriptorProtoSchema,
      create(FileDescriptorProtoSchema, {
        options: { javaPackage: 'x.y' },
        sourceCodeInfo: { location: [{ path: [4, 0], span: [1, 2, 3] }] },
      }),
    );
    const withInfo = new Uint8Array([...bytes, ...extra]);
    const a = parseFileDescriptor(bytes);
    const b = parseFileDescriptor(withInfo);
    expect(b).toEqual(a);
    expect(b.messageType.map((m) => m.name)).toContain('GetKeyVizMatrixRequest');
  });
});
