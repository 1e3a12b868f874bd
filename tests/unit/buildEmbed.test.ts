import { describe, expect, it } from 'vitest';
import { embedEnv, findInlineCode, parseEmbedArgs } from '../../scripts/embed.ts';

describe('build-embed arguments', () => {
  it('normalises the base and defaults the source to json', () => {
    expect(parseEmbedArgs(['--base', 'admin', '--out', 'd'])).toEqual({
      base: '/admin/',
      out: 'd',
      source: 'json',
    });
    expect(parseEmbedArgs(['--base=/x/y', '--out=o', '--source=grpc-web'])).toEqual({
      base: '/x/y/',
      out: 'o',
      source: 'grpc-web',
    });
  });

  it('refuses missing, unknown and unsafe arguments', () => {
    expect(() => parseEmbedArgs(['--out', 'd'])).toThrow(/required/);
    expect(() => parseEmbedArgs(['--base', '/a/', '--out'])).toThrow(/needs a value/);
    expect(() => parseEmbedArgs(['--base', '/a/', '--out', 'd', '--source', 'grpc'])).toThrow(
      /--source must be one of json, connect, grpc-web/,
    );
    expect(() => parseEmbedArgs(['--base', '/a/', '--out', 'd', '--bogus'])).toThrow(/unknown/);
    for (const bad of ['/a/../b/', '//evil.example/', '/a?x', '/a b/', '/"a/']) {
      expect(() => parseEmbedArgs(['--base', bad, '--out', 'd']), bad).toThrow(/plain URL path/);
    }
  });

  it('passes base, out dir and source to Vite', () => {
    expect(embedEnv({ base: '/admin/', out: 'd', source: 'json' }, '/abs/d')).toEqual({
      KEYVIZ_BASE: '/admin/',
      KEYVIZ_OUT_DIR: '/abs/d',
      VITE_KEYVIZ_SOURCE: 'json',
    });
    expect(embedEnv({ base: '/', out: 'd', source: 'connect' }, '/abs/d')).toMatchObject({
      VITE_KEYVIZ_SOURCE: 'connect',
      VITE_KEYVIZ_TRANSPORT: 'connect',
    });
  });
});

describe('inline code check', () => {
  it('accepts what Vite emits', () => {
    const html = `<!doctype html><html><head><meta charset="UTF-8" />
      <script type="module" crossorigin src="/admin/assets/index-CUPyOEvj.js"></script>
      <link rel="modulepreload" crossorigin href="/admin/assets/react.js">
      <link rel="stylesheet" crossorigin href="/admin/assets/index-Bgk6W-S7.css">
      </head><body><div id="root"></div></body></html>`;
    expect(findInlineCode(html)).toEqual([]);
  });

  it('finds inline scripts, styles, style and handler attributes', () => {
    const html = `<script>window.x=1</script><script type="module">import 'a'</script>
      <style>body{}</style><div style="color:red"></div><img src="a.png" onerror="x()">`;
    expect(findInlineCode(html)).toEqual([
      'inline <script>',
      'inline <script type="module">',
      'inline <style>',
      'style attribute: <div style="color:red">',
      'event handler attribute: <img src="a.png" onerror="x()">',
    ]);
  });
});
