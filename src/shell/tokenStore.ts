// The bearer token an operator typed in: kept for this tab only (sessionStorage), never in
// localStorage or the URL. Falls back to memory when storage is disabled.

const KEY = 'keyviz.adminToken';
let memory: string | undefined;

export function readToken(): string | undefined {
  try {
    return sessionStorage.getItem(KEY) || undefined;
  } catch {
    return memory;
  }
}

export function writeToken(token: string): void {
  memory = token || undefined;
  try {
    if (token) sessionStorage.setItem(KEY, token);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage disabled (private mode, policy): the in-memory copy serves this page load.
  }
}
