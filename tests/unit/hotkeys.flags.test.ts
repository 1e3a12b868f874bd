// The hot-key, sub-range and label flags (server/hotkeys/flags.ts): the node's names,
// clamps and defaults, our --keyvizHotKeysHistoryBytes sizes, clear errors, and the
// node's rolling-update environment variables under the command line.
import { describe, expect, it } from 'vitest';
import { FlagError } from '../../server/flagValues.ts';
import { parseFlags } from '../../server/flags.ts';
import {
  DEFAULT_KEYVIZ_EXT_FLAGS,
  KEYVIZ_EXT_ENV,
  parseByteSize,
  takeKeyvizExtFlags,
} from '../../server/hotkeys/flags.ts';

const MiB = 1024 ** 2;

function flagError(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(FlagError);
    return (e as Error).message;
  }
  throw new Error('no error');
}

describe('takeKeyvizExtFlags', () => {
  it('defaults: hot keys on here (off on a node), the node values otherwise', () => {
    const { values, rest } = takeKeyvizExtFlags([]);
    expect(values).toEqual(DEFAULT_KEYVIZ_EXT_FLAGS);
    expect(values.hotKeys).toEqual({
      enabled: true,
      perRoute: 64,
      sampleRate: 16,
      queueSize: 8192,
      maxKeyLen: 1024,
      historyBytes: 64 * MiB,
    });
    expect([values.labelsEnabled, values.keyBucketsPerRoute]).toEqual([false, 1]);
    expect(rest).toEqual([]);
  });

  it('takes its flags in every form and leaves the rest in order', () => {
    const { values, rest } = takeKeyvizExtFlags([
      '--listen',
      '127.0.0.1:0',
      '--keyvizHotKeysHistoryBytes',
      '64MiB',
      '-keyvizHotKeysPerRoute=128',
      '--keyvizHotKeysSampleRate',
      '4',
      '--keyvizHotKeysQueueSize=100',
      '--keyvizHotKeysMaxKeyLen',
      '2048',
      '--keyvizKeyBucketsPerRoute=8',
      '--keyvizLabelsEnabled',
      '--keyvizHotKeysEnabled=false',
      '--routes',
      '80',
    ]);
    expect(values.hotKeys).toEqual({
      enabled: false,
      perRoute: 128,
      sampleRate: 4,
      queueSize: 100,
      maxKeyLen: 2048,
      historyBytes: 64 * MiB,
    });
    expect([values.labelsEnabled, values.keyBucketsPerRoute]).toEqual([true, 8]);
    expect(rest).toEqual(['--listen', '127.0.0.1:0', '--routes', '80']);
    // The defaults object is never written through.
    expect(DEFAULT_KEYVIZ_EXT_FLAGS.hotKeys.perRoute).toBe(64);
  });

  it('clamps as the node does: zero or negative -> default, above the cap -> the cap', () => {
    const v = (args: string[]) => takeKeyvizExtFlags(args).values;
    expect(v(['--keyvizHotKeysPerRoute=0']).hotKeys.perRoute).toBe(64);
    expect(v(['--keyvizHotKeysPerRoute=-3']).hotKeys.perRoute).toBe(64);
    expect(v(['--keyvizHotKeysPerRoute=100000']).hotKeys.perRoute).toBe(256);
    expect(v(['--keyvizHotKeysSampleRate=5000']).hotKeys.sampleRate).toBe(1024);
    expect(v(['--keyvizHotKeysQueueSize=1000000']).hotKeys.queueSize).toBe(65536);
    expect(v(['--keyvizHotKeysMaxKeyLen=99999']).hotKeys.maxKeyLen).toBe(4096);
    expect(v(['--keyvizKeyBucketsPerRoute=999']).keyBucketsPerRoute).toBe(256);
    // Booleans as Go's strconv.ParseBool reads them (the node's flag package).
    for (const t of ['1', 't', 'TRUE', 'True', 'true']) {
      expect(v([`--keyvizLabelsEnabled=${t}`]).labelsEnabled).toBe(true);
    }
    for (const f of ['0', 'F', 'FALSE', 'False', 'false']) {
      expect(v([`--keyvizHotKeysEnabled=${f}`]).hotKeys.enabled).toBe(false);
    }
  });

  it('refuses bad values with a message naming the flag and the value', () => {
    const t = (args: string[]) => flagError(() => takeKeyvizExtFlags(args));
    expect(t(['--keyvizHotKeysPerRoute=abc'])).toBe(
      '--keyvizHotKeysPerRoute: "abc" is not an integer',
    );
    expect(t(['--keyvizHotKeysSampleRate', '1.5'])).toBe(
      '--keyvizHotKeysSampleRate: "1.5" is not an integer',
    );
    expect(t(['--keyvizHotKeysQueueSize'])).toBe('--keyvizHotKeysQueueSize needs a value');
    expect(t(['--keyvizHotKeysMaxKeyLen='])).toBe('--keyvizHotKeysMaxKeyLen needs a value');
    expect(t(['--keyvizHotKeysEnabled=yes'])).toBe(
      '--keyvizHotKeysEnabled: "yes" is not true or false',
    );
    expect(t(['--keyvizHotKeysHistoryBytes', '64MB'])).toBe(
      '--keyvizHotKeysHistoryBytes: "64MB" is not a size (e.g. 67108864, 64MiB, 512KiB)',
    );
    expect(t(['--keyvizHotKeysHistoryBytes=-1'])).toContain('is not a size');
    // Through the server's parser too (main.ts exits 2 with it).
    expect(flagError(() => parseFlags(['--keyvizHotKeysPerRoute', 'x']))).toBe(
      '--keyvizHotKeysPerRoute: "x" is not an integer',
    );
  });
});

describe('parseByteSize', () => {
  it('reads bytes and binary units, case-insensitive, spaces allowed', () => {
    expect(parseByteSize('f', '67108864')).toBe(64 * MiB);
    expect(parseByteSize('f', '64MiB')).toBe(64 * MiB);
    expect(parseByteSize('f', '64 mib')).toBe(64 * MiB);
    expect(parseByteSize('f', '512KiB')).toBe(512 * 1024);
    expect(parseByteSize('f', '1GiB')).toBe(1024 ** 3);
    expect(parseByteSize('f', '10b')).toBe(10);
    expect(parseByteSize('f', '0')).toBe(0);
    for (const bad of ['', 'MiB', '1.5MiB', '64MB', '64 Mi', '-1', '0x10']) {
      expect(() => parseByteSize('f', bad), bad).toThrow(FlagError);
    }
  });
});

describe("the node's rolling-update environment variables", () => {
  it('covers every variable of contract §5.1 for these flags', () => {
    expect(Object.keys(KEYVIZ_EXT_ENV).sort()).toEqual([
      'KEYVIZ_HOT_KEYS_ENABLED',
      'KEYVIZ_HOT_KEYS_MAX_KEY_LEN',
      'KEYVIZ_HOT_KEYS_PER_ROUTE',
      'KEYVIZ_HOT_KEYS_QUEUE_SIZE',
      'KEYVIZ_HOT_KEYS_SAMPLE_RATE',
      'KEYVIZ_LABELS_ENABLED',
    ]);
  });

  it('reads them over the defaults, with the same clamps', () => {
    const { values } = takeKeyvizExtFlags([], {
      KEYVIZ_HOT_KEYS_ENABLED: 'false',
      KEYVIZ_HOT_KEYS_PER_ROUTE: '32',
      KEYVIZ_HOT_KEYS_SAMPLE_RATE: '9999',
      KEYVIZ_HOT_KEYS_QUEUE_SIZE: '0',
      KEYVIZ_HOT_KEYS_MAX_KEY_LEN: ' 512 ',
      KEYVIZ_LABELS_ENABLED: 'TRUE',
      // Not ours: ignored here.
      KEYVIZ_FANOUT_NODES: 'a:1,b:2',
    });
    expect(values.hotKeys).toMatchObject({
      enabled: false,
      perRoute: 32,
      sampleRate: 1024,
      queueSize: 8192,
      maxKeyLen: 512,
    });
    expect(values.labelsEnabled).toBe(true);
  });

  it('loses to the command line; an empty variable is unset', () => {
    const env = {
      KEYVIZ_HOT_KEYS_ENABLED: 'false',
      KEYVIZ_HOT_KEYS_PER_ROUTE: '32',
      KEYVIZ_LABELS_ENABLED: '',
    };
    const { values } = takeKeyvizExtFlags(
      ['--keyvizHotKeysEnabled', '--keyvizHotKeysPerRoute=128'],
      env,
    );
    expect([values.hotKeys.enabled, values.hotKeys.perRoute]).toEqual([true, 128]);
    expect(values.labelsEnabled).toBe(false);
    // parseFlags passes the environment through (main.ts gives process.env).
    const f = parseFlags(['--keyvizHotKeysPerRoute=16'], env);
    expect([f.keyvizExt.hotKeys.enabled, f.keyvizExt.hotKeys.perRoute]).toEqual([false, 16]);
    // Without an environment given, none is read.
    expect(parseFlags([]).keyvizExt.hotKeys.enabled).toBe(true);
  });

  it('refuses a bad value naming the variable and its flag', () => {
    expect(flagError(() => takeKeyvizExtFlags([], { KEYVIZ_HOT_KEYS_SAMPLE_RATE: 'often' }))).toBe(
      'KEYVIZ_HOT_KEYS_SAMPLE_RATE (--keyvizHotKeysSampleRate): "often" is not an integer',
    );
    expect(flagError(() => takeKeyvizExtFlags([], { KEYVIZ_LABELS_ENABLED: 'on' }))).toBe(
      'KEYVIZ_LABELS_ENABLED (--keyvizLabelsEnabled): "on" is not true or false',
    );
    // Even when the command line would override it: a broken deploy file is worth knowing.
    expect(() =>
      takeKeyvizExtFlags(['--keyvizLabelsEnabled'], { KEYVIZ_LABELS_ENABLED: 'on' }),
    ).toThrow(FlagError);
  });
});
