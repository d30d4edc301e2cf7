'use client';

import Link from 'next/link';
import { useEffect } from 'react';
import { useMessages } from '@/components/i18n/locale-context';

/**
 * A page that failed to render (a bug, or a dependency that threw while the server rendered it). The dashboard's live
 * parts fetch their data in the browser and show their own errors, so this is the last resort: say what happened,
 * give the reference the server logged (`digest`), and offer to try again without a full reload.
 */
export default function PageError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  const t = useMessages().pageError;
  useEffect(() => {
    console.error(error);
  }, [error]);
  return (
    <main className="mx-auto max-w-screen-2xl space-y-3 px-4 py-6 sm:px-6" role="alert">
      <h1 className="text-2xl font-semibold">{t.title}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">
        {t.body}
        {error.digest ? (
          <>
            {' '}
            {t.reference} <code className="font-mono">{error.digest}</code>
          </>
        ) : null}
        .
      </p>
      <div className="flex gap-4 text-sm">
        <button
          type="button"
          onClick={reset}
          className="rounded-md bg-sky-700 px-3 py-1.5 font-medium text-white hover:bg-sky-800 focus-visible:outline-2 focus-visible:outline-offset-2"
        >
          {t.tryAgain}
        </button>
        <Link href="/" className="self-center text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
          {t.back}
        </Link>
      </div>
    </main>
  );
}
