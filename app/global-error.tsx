'use client';

/**
 * The root layout itself failed (it reads the configuration): Next.js replaces the whole document with this, so it
 * brings its own <html> and <body> and no styles beyond inline ones it can count on.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="en">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem', lineHeight: 1.5 }}>
        <main role="alert">
          <h1 style={{ fontSize: '1.5rem' }}>The dashboard could not start</h1>
          <p>
            The page frame failed to render — usually a configuration problem the server log names.
            {error.digest ? ` Reference: ${error.digest}.` : ''}
          </p>
          <button type="button" onClick={reset}>
            Try again
          </button>
        </main>
      </body>
    </html>
  );
}
