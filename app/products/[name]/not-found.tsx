import Link from 'next/link';

/** An unknown product name in the URL: say so, and offer the way back. */
export default function ProductNotFound() {
  return (
    <main className="mx-auto max-w-screen-2xl space-y-3 px-4 py-6 sm:px-6">
      <h1 className="text-2xl font-semibold">Unknown product</h1>
      <p className="text-sm text-slate-600 dark:text-slate-300">No product of that name is in the sales database.</p>
      <p className="text-sm">
        <Link href="/" className="text-sky-800 underline-offset-2 hover:underline dark:text-sky-300">
          ← Back to the cache overview and its product list
        </Link>
      </p>
    </main>
  );
}
