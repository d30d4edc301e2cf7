import Link from 'next/link';

/** The body of a 404 page: what was not found, and the way back to the overview. */
export function NotFoundPage({ title, body, back }: { title: string; body: string; back: string }) {
  return (
    <main className="mx-auto max-w-screen-2xl space-y-3 px-4 py-6 sm:px-6">
      <h1 className="text-2xl font-semibold">{title}</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">{body}</p>
      <p className="text-sm">
        <Link href="/" className="text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
          {back}
        </Link>
      </p>
    </main>
  );
}
