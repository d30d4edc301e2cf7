import type { Metadata } from 'next';
import './globals.css';

export const metadata: Metadata = {
  title: 'AI Prediction Service — cache',
  description: 'Demand forecasts behind a Redis cache, and the dashboard that watches it',
};

export default function RootLayout({ children }: Readonly<{ children: React.ReactNode }>) {
  return (
    <html lang="en">
      <body className="min-h-screen bg-white font-sans text-slate-900 antialiased dark:bg-slate-950 dark:text-slate-100">
        {children}
      </body>
    </html>
  );
}
