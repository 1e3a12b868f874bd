// Vite plugin for the page: every module the entry reaches through static imports goes into
// one chunk, loaded with the entry (a modulepreload). Without it, Rolldown cuts each module
// the entry shares with a lazy chunk (hot-spot detection, the console pages) into a small
// common chunk of its own: more requests and more bytes for the first paint of /keyviz, with
// nothing saved (the entry needs them all anyway).

import type { Plugin } from 'vite';

const SCRIPT = /\.[cm]?[jt]sx?$/;

export function firstPaintChunk(): Plugin {
  const firstPaint = new Set<string>();
  return {
    name: 'keyviz-first-paint-chunk',
    apply: 'build',
    buildEnd() {
      firstPaint.clear();
      const stack: string[] = [];
      for (const id of this.getModuleIds()) {
        if (this.getModuleInfo(id)?.isEntry) stack.push(id);
      }
      const entries = new Set(stack);
      while (stack.length > 0) {
        const id = stack.pop()!;
        for (const dep of this.getModuleInfo(id)?.importedIds ?? []) {
          if (firstPaint.has(dep) || entries.has(dep)) continue;
          firstPaint.add(dep);
          stack.push(dep);
        }
      }
    },
    outputOptions(out) {
      return {
        ...out,
        codeSplitting: {
          groups: [
            {
              name: 'first-paint',
              test: (id: string) => firstPaint.has(id) && SCRIPT.test(id.replace(/\?.*$/, '')),
            },
          ],
        },
      };
    },
  };
}
