// Vite plugin for the page: lets the bundler drop the parts of react-router the page never
// uses. Its production build declares components and contexts as top-level statements the
// bundler must keep as possible side effects: `var Form = React.forwardRef(...)` (a call not
// marked pure) and `Form.displayName = "Form"` (a property write). So `Form`, `ScrollRestoration`,
// the data router's contexts and everything they reach (submit, form-action, prefetch links)
// stay in the first paint although nothing renders them.
//
// - `forwardRef(...)`, `createContext(...)` and `memo(...)` at the top level are marked
//   `/* @__PURE__ */` (React's own calls are: they build an object and touch nothing else), and
//   so is `Object.getOwnPropertyNames(Object.prototype).sort().join(…)` (a string the data
//   router's serializer compares against; computed and thrown away when it is not bundled).
// - Top-level `X.displayName = "…"` lines go: React DevTools' names only, which React's own
//   production builds leave out too. A used component keeps working; only an unused one can
//   now be dropped.
//
// The target is a file inside a pinned dependency: if an upgrade changes its shape, the build
// fails here (too few rewrites) rather than silently growing; tests/integration/bundle.test.ts
// checks that Form's code is gone.
import type { Plugin } from 'vite';

const ROUTER_PROD = /[\\/]react-router[\\/]dist[\\/]production[\\/]chunk-[A-Z0-9]+\.mjs$/;
const DISPLAY_NAME = /^\w+\.displayName = "[^"\n]*";\n/gm;
const PURE_CALL =
  /^(var \w+ = )(React\d*\.(?:forwardRef|createContext|memo)\(|Object\.getOwnPropertyNames\()/gm;

/** At least this many of each rewrite in react-router 7's production chunk (it has 15 / 16). */
const MIN_REWRITES = 10;

export function leanRouterModule(source: string): { code: string; names: number; pure: number } {
  let names = 0;
  let pure = 0;
  const code = source
    .replace(DISPLAY_NAME, () => {
      names++;
      return '';
    })
    .replace(PURE_CALL, (_m, decl: string, call: string) => {
      pure++;
      return `${decl}/* @__PURE__ */ ${call}`;
    });
  return { code, names, pure };
}

export function leanRouter(): Plugin {
  let rewritten = 0;
  return {
    name: 'keyviz-lean-router',
    apply: 'build',
    buildStart() {
      rewritten = 0;
    },
    transform(code, id) {
      const path = id.split('?')[0];
      if (!ROUTER_PROD.test(path)) return null;
      const r = leanRouterModule(code);
      // The router's chunk with every component; a small shared chunk may have neither.
      if (r.names === 0 && r.pure === 0) return null;
      if (r.names < MIN_REWRITES || r.pure < MIN_REWRITES) {
        this.error(
          `leanRouter: react-router changed (${r.names} displayName lines, ${r.pure} pure calls in ${path})`,
        );
      }
      rewritten++;
      return { code: r.code, map: null };
    },
    buildEnd(err) {
      if (err || this.meta.watchMode) return;
      if (rewritten === 0) this.error("leanRouter: never saw react-router's production chunk");
    },
  };
}
