// scripts/leanRouter.ts on react-router's real production chunk (the pinned dependency) and on
// a small sample: which statements it rewrites, and that it leaves everything else alone.
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { leanRouterModule } from '../../scripts/leanRouter.ts';
import { REPO_ROOT } from '../helpers/spawnServer.ts';

const SAMPLE = `var LocationContext = React.createContext(
  null
);
LocationContext.displayName = "Location";
var Form = React10.forwardRef(
  (props, ref) => null
);
Form.displayName = "Form";
var Memo = React3.memo(Inner);
var protoNames = Object.getOwnPropertyNames(Object.prototype).sort().join("\\0");
function Link() {
  let x = React10.forwardRef(f);
  x.displayName = "inner";
  return x;
}
`;

describe('leanRouter', () => {
  it('marks top-level React calls pure and drops top-level displayName writes only', () => {
    const r = leanRouterModule(SAMPLE);
    expect(r.names).toBe(2);
    expect(r.pure).toBe(4);
    expect(r.code).toContain('var LocationContext = /* @__PURE__ */ React.createContext(');
    expect(r.code).toContain('var Form = /* @__PURE__ */ React10.forwardRef(');
    expect(r.code).toContain('var Memo = /* @__PURE__ */ React3.memo(Inner);');
    expect(r.code).toContain('var protoNames = /* @__PURE__ */ Object.getOwnPropertyNames(');
    expect(r.code).not.toContain('Form.displayName');
    // Inside a function nothing changes: only module-level statements keep code alive.
    expect(r.code).toContain('  let x = React10.forwardRef(f);\n  x.displayName = "inner";');
  });

  it("finds its targets in the pinned react-router's production chunk", () => {
    const dir = path.join(REPO_ROOT, 'node_modules/react-router/dist/production');
    const chunks = readdirSync(dir).filter((f) => /^chunk-[A-Z0-9]+\.mjs$/.test(f));
    const counts = chunks.map((f) => leanRouterModule(readFileSync(path.join(dir, f), 'utf8')));
    const main = counts.find((c) => c.names > 0);
    expect(main?.names).toBe(15);
    expect(main?.pure).toBeGreaterThanOrEqual(16);
  });
});
