import type { Metadata, Viewport } from 'next';
import { connection } from 'next/server';
import { Providers } from '@/components/providers';
import { readEnv } from '@/lib/config/env';
import './globals.css';

export const metadata: Metadata = {
  title: 'AI Prediction Service — cache',
  description: 'Demand forecasts behind a Redis cache, and the dashboard that watches it',
};

export const viewport: Viewport = {
  colorScheme: 'light dark',
};

export default async function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  // The polling interval is configuration read when the page is served, not baked in at build time.
  await connection();
  const pollMs = readEnv().dashboard.pollMs;
  return (
    <html lang="en">
      <body className="min-h-screen bg-slate-50 font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        <Providers pollMs={pollMs}>{children}</Providers>
      </body>
    </html>
  );
}
