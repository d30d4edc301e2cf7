'use client';

import { useMessages } from '@/components/i18n/locale-context';

/**
 * Shown while the overview's server part renders (instant in practice; visible on a slow first request). Only the
 * overview has one: a loading boundary above a page that can answer 404 (a product page) makes Next.js stream a 200
 * before the page knows the product is unknown.
 */
export default function Loading() {
  const t = useMessages().common;
  return (
    <main className="mx-auto max-w-screen-2xl px-4 py-6 sm:px-6" aria-busy="true">
      <p className="text-sm text-slate-600 dark:text-slate-300" role="status">
        {t.loading}
      </p>
    </main>
  );
}
