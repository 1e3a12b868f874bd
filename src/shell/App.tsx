// The console: one router under the build's base, one data source and session shared by
// all (DataSourceProvider), a small shell (skip link, navigation, node name, data source,
// session) and the pages. The Key Visualizer is in the first chunk (it is
// what most visits open); every other page is its own lazy chunk.
import { lazy, Suspense } from 'react';
import { BrowserRouter, Link, Navigate, Route, Routes, useLocation } from 'react-router-dom';
import { KeyvizPage } from '../pages/keyviz/KeyvizPage.tsx';
import { routerBasename } from './router.ts';
import { DataSourceProvider } from './DataSourceProvider.tsx';
import { ShellBar } from './ShellBar.tsx';
import { LoadingPanel } from './LoadPanels.tsx';

const BASE = import.meta.env.BASE_URL;

const BucketPage = lazy(() => import('../pages/bucket/BucketPage.tsx'));
const ClusterPage = lazy(() => import('../pages/cluster/ClusterPage.tsx'));
const AdaptersPage = lazy(() => import('../pages/adapters/AdaptersPage.tsx'));

/** The base itself leads to the heatmap, keeping the query (a shared link's view). */
function ToKeyviz() {
  const { search, hash } = useLocation();
  return <Navigate to={`/keyviz${search}${hash}`} replace />;
}

function NotFound() {
  const { pathname } = useLocation();
  const base = routerBasename(BASE);
  return (
    <main className="not-found" id="main-content" tabIndex={-1}>
      <h1>Not found</h1>
      <p>
        Nothing lives at <code>{base + pathname}</code>. The pages are:
      </p>
      <ul>
        <li>
          Key Visualizer: <Link to="/keyviz">{`${base}/keyviz`}</Link>
        </li>
        <li>
          Cluster: <Link to="/cluster">{`${base}/cluster`}</Link>
        </li>
        <li>
          Adapters: <Link to="/adapters">{`${base}/adapters`}</Link>
        </li>
      </ul>
    </main>
  );
}

export function App() {
  return (
    <BrowserRouter basename={routerBasename(BASE)}>
      <DataSourceProvider>
        <ShellBar />
        <Suspense fallback={<LoadingPanel />}>
          <Routes>
            <Route path="/" element={<ToKeyviz />} />
            <Route path="/index.html" element={<ToKeyviz />} />
            <Route path="/keyviz" element={<KeyvizPage />} />
            <Route path="/keyviz/bucket/:bucketId" element={<BucketPage />} />
            <Route path="/cluster" element={<ClusterPage />} />
            <Route path="/adapters" element={<AdaptersPage />} />
            <Route path="*" element={<NotFound />} />
          </Routes>
        </Suspense>
      </DataSourceProvider>
    </BrowserRouter>
  );
}
