// The FileDescriptorProto parser of the page bundle's `fileDesc` (scripts/leanProtobuf.ts
// rewrites protobuf-es's codegenv2/file.js to call it).
//
// Generated code embeds each .proto file as FileDescriptorProto bytes. protobuf-es parses them
// with its full schema of google/protobuf/descriptor.proto, about 4.4 kB gzip of the page. This
// reads the handful of fields that shape a runtime descriptor into the same message objects;
// everything after (JSON names, the registry, dependencies) stays the library's own code. It
// imports nothing from protobuf-es, so it cannot form an import cycle with the generated code
// it serves. Anything it cannot carry (editions, proto2 default values) fails loudly.
// tests/unit/leanFileDesc.test.ts runs the rewritten module on every .proto file the page ships
// and on the well-known types, and compares with the library.

import type { FileDescriptorProto } from '@bufbuild/protobuf/wkt';
import { WireReader } from './wireReader.ts';

type Obj = Record<string, unknown>;

// A subset of descriptor.proto as a table: field number -> [property, kind, repeated]. Kinds
// are string, int32 and bool varints, or a nested message. Fields not listed are skipped: they
// do not shape a runtime descriptor (source info, reserved names, most options).
type Kind = 's' | 'i' | 'b' | Spec;
interface Spec {
  type: string;
  /** Properties the parser sets when the field is absent, as protobuf-es does for proto2. */
  init: () => Obj;
  fields: Record<number, [string, Kind, true?]>;
}

// Options the registry reads. Only what is on the wire becomes a property: `packed` set to
// false is not the same as unset.
const opts = (type: string, fields: Spec['fields']): Spec => ({ type, init: () => ({}), fields });
const DEPRECATED: [string, Kind] = ['deprecated', 'b'];

const ENUM: Spec = {
  type: 'EnumDescriptorProto',
  init: () => ({ name: '', value: [], reservedRange: [], reservedName: [] }),
  fields: {
    1: ['name', 's'],
    2: [
      'value',
      {
        type: 'EnumValueDescriptorProto',
        init: () => ({ name: '', number: 0 }),
        fields: {
          1: ['name', 's'],
          2: ['number', 'i'],
          3: ['options', opts('EnumValueOptions', { 1: DEPRECATED })],
        },
      },
      true,
    ],
    3: ['options', opts('EnumOptions', { 3: DEPRECATED })],
  },
};

// default_value and oneof_index stay absent unless sent: the registry tests their presence.
const FIELD: Spec = {
  type: 'FieldDescriptorProto',
  init: () => ({
    name: '',
    number: 0,
    label: 1,
    type: 0,
    typeName: '',
    extendee: '',
    proto3Optional: false,
  }),
  fields: {
    1: ['name', 's'],
    2: ['extendee', 's'],
    3: ['number', 'i'],
    4: ['label', 'i'],
    5: ['type', 'i'],
    6: ['typeName', 's'],
    7: ['defaultValue', 's'],
    8: ['options', opts('FieldOptions', { 2: ['packed', 'b'], 3: DEPRECATED, 6: ['jstype', 'i'] })],
    9: ['oneofIndex', 'i'],
    10: ['jsonName', 's'],
    17: ['proto3Optional', 'b'],
  },
};

const MESSAGE: Spec = {
  type: 'DescriptorProto',
  init: () => ({
    name: '',
    field: [],
    extension: [],
    nestedType: [],
    enumType: [],
    extensionRange: [],
    oneofDecl: [],
    reservedRange: [],
    reservedName: [],
  }),
  fields: {
    1: ['name', 's'],
    2: ['field', FIELD, true],
    4: ['enumType', ENUM, true],
    6: ['extension', FIELD, true],
    7: ['options', opts('MessageOptions', { 3: DEPRECATED, 7: ['mapEntry', 'b'] })],
    8: [
      'oneofDecl',
      { type: 'OneofDescriptorProto', init: () => ({ name: '' }), fields: { 1: ['name', 's'] } },
      true,
    ],
  },
};
MESSAGE.fields[3] = ['nestedType', MESSAGE, true];

const SERVICE: Spec = {
  type: 'ServiceDescriptorProto',
  init: () => ({ name: '', method: [] }),
  fields: {
    1: ['name', 's'],
    2: [
      'method',
      {
        type: 'MethodDescriptorProto',
        init: () => ({
          name: '',
          inputType: '',
          outputType: '',
          clientStreaming: false,
          serverStreaming: false,
        }),
        fields: {
          1: ['name', 's'],
          2: ['inputType', 's'],
          3: ['outputType', 's'],
          4: ['options', opts('MethodOptions', { 33: DEPRECATED, 34: ['idempotencyLevel', 'i'] })],
          5: ['clientStreaming', 'b'],
          6: ['serverStreaming', 'b'],
        },
      },
      true,
    ],
    3: ['options', opts('ServiceOptions', { 33: DEPRECATED })],
  },
};

const FILE: Spec = {
  type: 'FileDescriptorProto',
  init: () => ({
    name: '',
    package: '',
    dependency: [],
    publicDependency: [],
    weakDependency: [],
    optionDependency: [],
    messageType: [],
    enumType: [],
    service: [],
    extension: [],
    syntax: '',
    edition: 0,
  }),
  fields: {
    1: ['name', 's'],
    2: ['package', 's'],
    3: ['dependency', 's', true],
    4: ['messageType', MESSAGE, true],
    5: ['enumType', ENUM, true],
    6: ['service', SERVICE, true],
    7: ['extension', FIELD, true],
    12: ['syntax', 's'],
    14: ['edition', 'i'],
  },
};

const LENGTH_DELIMITED = 2;

function read(r: WireReader, spec: Spec, end: number): Obj {
  const o: Obj = { $typeName: `google.protobuf.${spec.type}`, ...spec.init() };
  while (r.pos < end) {
    const tag = r.uint32();
    const no = tag >>> 3;
    const wt = tag & 7;
    const f = spec.fields[no];
    const want = f && (typeof f[1] === 'object' || f[1] === 's' ? LENGTH_DELIMITED : 0);
    if (!f || wt !== want) {
      r.skip(wt, no);
      continue;
    }
    const [name, kind, repeated] = f;
    let v: unknown;
    if (kind === 's') v = r.string();
    else if (kind === 'i')
      v = r.int64() | 0; // int32: negative enum numbers come as 10 bytes
    else if (kind === 'b') v = r.uint64() !== 0;
    else {
      const start = r.lengthDelimited();
      const after = r.pos;
      r.pos = start;
      v = read(r, kind, after);
    }
    if (repeated) (o[name] as unknown[]).push(v);
    else o[name] = v;
  }
  return o;
}

interface Parsed {
  name: string;
  syntax: string;
  messageType: Nested[];
}
interface Nested {
  name: string;
  field: { name: string; defaultValue?: string }[];
  nestedType: Nested[];
}

/**
 * FileDescriptorProto bytes -> the plain message objects protobuf-es's parser gives: unset
 * proto2 fields absent, so the library's restoreJsonNames and registry treat them alike.
 */
export function parseFileDescriptor(bytes: Uint8Array): FileDescriptorProto {
  const r = new WireReader(bytes);
  const file = read(r, FILE, bytes.length) as unknown as Parsed;
  const fail = (what: string): never => {
    throw new Error(`leanFileDesc: ${file.name} ${what}, which this parser does not carry`);
  };
  if (file.syntax !== 'proto3' && file.syntax !== 'proto2' && file.syntax !== '') {
    fail(`uses syntax "${file.syntax}"`);
  }
  const check = (messages: Nested[]): void => {
    for (const m of messages) {
      // The bundle leaves out the registry's parser of default values (leanProtobuf.ts).
      const d = m.field.find((f) => f.defaultValue !== undefined);
      if (d) fail(`sets a default value on ${m.name}.${d.name}`);
      check(m.nestedType);
    }
  };
  check(file.messageType);
  // The objects carry every field the registry reads; TypeScript cannot see that unset proto2
  // fields are absent properties rather than defaults.
  return file as unknown as FileDescriptorProto;
}
