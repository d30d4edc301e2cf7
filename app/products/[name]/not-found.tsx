import Link from 'next/link';
import { messagesFor } from '@/lib/i18n/messages';
import { requestLocale } from '@/lib/i18n/request-locale';

/** An unknown product name in the URL: say so, and offer the way back. */
export default async function ProductNotFound() {
  const t = messagesFor(await requestLocale()).productNotFound;
  return (
    <main className="mx-auto max-w-screen-2xl space-y-3 px-4 py-6 sm:px-6">
      <h1 className="text-2xl font-semibold">{t.title}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{t.body}</p>
      <p className="text-sm">
        <Link href="/" className="text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
          {t.back}
        </Link>
      </p>
    </main>
  );
}
