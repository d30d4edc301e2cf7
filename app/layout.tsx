import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import { Providers } from '@/components/providers';
import { readEnv } from '@/lib/config/env';
import { messagesFor } from '@/lib/i18n/messages';
import { requestLocale } from '@/lib/i18n/request-locale';
import './globals.css';

export async function generateMetadata(): Promise<Metadata> {
  const t = messagesFor(await requestLocale()).meta;
  return { title: t.title, description: t.description };
}

export const viewport: Viewport = {
  colorScheme: 'light dark',
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  // The polling interval is configuration read when the page is served, not baked in at build time.
  await connection();
  const pollMs = readEnv().dashboard.pollMs;
  // The language is decided per request (cookie, else Accept-Language), so the first render is already in it.
  const locale = await requestLocale();
  return (
    <html lang={locale}>
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers pollMs={pollMs} locale={locale}>
          {children}
        </Providers>
      </body>
    </html>
  );
}
