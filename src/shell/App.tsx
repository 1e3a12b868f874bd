import { useEffect, useState } from 'react';
import { KeyvizPage } from '../pages/keyviz/KeyvizPage.tsx';
import { keyvizPath, resolveRoute, type Route } from './router.ts';

const BASE = import.meta.env.BASE_URL;

/** The current route; the base (`/`) is replaced by `/keyviz` so Back never bounces there. */
function settleRoute(): Route {
  const r = resolveRoute(location.pathname, location.search, BASE);
  if (r.kind !== 'redirect') return r;
  history.replaceState(history.state, '', r.to + location.hash);
  return resolveRoute(location.pathname, location.search, BASE);
}

export function App() {
  const [route, setRoute] = useState(settleRoute);

  useEffect(() => {
    const onPop = () => setRoute(settleRoute());
    addEventListener('popstate', onPop);
    return () => removeEventListener('popstate', onPop);
  }, []);

  if (route.kind === 'keyviz') return <KeyvizPage />;
  return (
    <main className="not-found">
      <h1>Not found</h1>
      <p>
        This page does not exist. The Key Visualizer is at{' '}
        <a href={keyvizPath(BASE)}>{keyvizPath(BASE)}</a>.
      </p>
    </main>
  );
}
