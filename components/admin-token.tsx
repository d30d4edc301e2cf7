'use client';

import { createContext, use, useCallback, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { adminPost, type AskToken } from './api-client';
import { Dialog } from './ui/dialog';
import { useMessages } from './i18n/locale-context';

const AskTokenContext = createContext<AskToken>(async () => null);

/**
 * Renders the "admin token" prompt and lends `askToken` to the action buttons. The token is typed once and kept
 * in sessionStorage (this tab, this session) by api-client, never in a cookie or localStorage.
 */
export function AdminTokenProvider({ children }: { children: ReactNode }) {
  const [reason, setReason] = useState<'required' | 'rejected' | null>(null);
  const pending = useRef<((token: string | null) => void) | null>(null);
  const [value, setValue] = useState('');
  const t = useMessages().adminToken;
  const common = useMessages().common;

  const askToken = useCallback<AskToken>(
    (why) =>
      new Promise<string | null>((resolve) => {
        pending.current?.(null);
        pending.current = resolve;
        setValue('');
        setReason(why);
      }),
    [],
  );

  const finish = (token: string | null) => {
    pending.current?.(token);
    pending.current = null;
    setReason(null);
    setValue('');
  };

  const onSubmit = (event: FormEvent) => {
    event.preventDefault();
    const token = value.trim();
    if (token) finish(token);
  };

  return (
    <AskTokenContext value={askToken}>
      {children}
      <Dialog open={reason !== null} onClose={() => finish(null)} labelledBy="admin-token-title">
        <form onSubmit={onSubmit} className="space-y-4">
          <h2 id="admin-token-title" className="text-lg font-semibold">
            {t.title}
          </h2>
          <p className="text-sm text-slate-600 dark:text-slate-300">{reason === 'rejected' ? t.rejected : t.required}</p>
          <div>
            <label htmlFor="admin-token-input" className="block text-sm font-medium">
              {t.label}
            </label>
            <input
              id="admin-token-input"
              type="password"
              autoComplete="off"
              autoFocus
              value={value}
              onChange={(e) => setValue(e.target.value)}
              className="mt-1 w-full rounded-md border border-slate-300 bg-white px-3 py-2 text-sm dark:border-slate-600 dark:bg-slate-800"
            />
          </div>
          <div className="flex justify-end gap-2">
            <button type="button" onClick={() => finish(null)} className="btn-secondary">
              {common.cancel}
            </button>
            <button type="submit" className="btn-primary" disabled={!value.trim()}>
              {t.continue}
            </button>
          </div>
        </form>
      </Dialog>
    </AskTokenContext>
  );
}

/** POST to an admin endpoint, asking for the token when the server requires it. */
export function useAdminPost() {
  const askToken = use(AskTokenContext);
  return useCallback(<T,>(url: string, body: unknown) => adminPost<T>(url, body, askToken), [askToken]);
}
