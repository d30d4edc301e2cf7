'use client';

/**
 * The root layout itself failed (it reads the configuration and the language): Next.js replaces the whole document
 * with this, so it brings its own <html> and <body> and no styles beyond inline ones it can count on. Without the
 * layout there is no language context either, so the message is given in both languages, Portuguese first.
 */
export default function GlobalError({ error, reset }: { error: Error & { digest?: string }; reset: () => void }) {
  return (
    <html lang="pt-BR">
      <body style={{ fontFamily: 'system-ui, sans-serif', margin: '2rem', lineHeight: 1.5 }}>
        <main role="alert">
          <h1 style={{ fontSize: '1.5rem' }}>O painel não pôde iniciar</h1>
          <p>
            A moldura da página falhou — normalmente um problema de configuração que o log do servidor aponta.
            {error.digest ? ` Referência: ${error.digest}.` : ''}
          </p>
          <div lang="en">
            <h2 style={{ fontSize: '1.25rem' }}>The dashboard could not start</h2>
            <p>
              The page frame failed to render — usually a configuration problem the server log names.
              {error.digest ? ` Reference: ${error.digest}.` : ''}
            </p>
          </div>
          <button type="button" onClick={reset}>
            Tentar de novo · Try again
          </button>
        </main>
      </body>
    </html>
  );
}
