import type { ReactNode } from 'react';
import { DataSourceContext, usePageDataSource } from './useDataSource.ts';

/** Resolves the data source once and shares it (and its session) with the whole console. */
export function DataSourceProvider({ children }: { children: ReactNode }) {
  const ds = usePageDataSource();
  return <DataSourceContext.Provider value={ds}>{children}</DataSourceContext.Provider>;
}
