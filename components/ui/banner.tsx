'use client';

import type { ReactNode } from 'react';
import { useMessages } from '../i18n/locale-context';

type BannerTone = 'info' | 'success' | 'warning' | 'critical';

const TONES: Record<BannerTone, string> = {
  info: 'border-sky-300 bg-sky-50 text-sky-950 dark:border-sky-700 dark:bg-sky-950 dark:text-sky-100',
  success: 'border-emerald-300 bg-emerald-50 text-emerald-950 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
  warning: 'border-amber-300 bg-amber-50 text-amber-950 dark:border-amber-600 dark:bg-amber-950 dark:text-amber-100',
  critical: 'border-red-300 bg-red-50 text-red-950 dark:border-red-700 dark:bg-red-950 dark:text-red-100',
};

/**
 * A message strip. `role` decides how assistive tech announces it: 'alert' for problems that appeared on their own,
 * 'status' for the result of something the operator did.
 */
export function Banner({
  tone,
  title,
  children,
  role = 'status',
  onDismiss,
  testId,
}: {
  tone: BannerTone;
  title: string;
  children?: ReactNode;
  role?: 'alert' | 'status';
  onDismiss?: () => void;
  testId?: string;
}) {
  const t = useMessages().common;
  return (
    <div role={role} data-testid={testId} className={`flex items-start gap-3 rounded-lg border px-4 py-3 text-sm ${TONES[tone]}`}>
      <div className="min-w-0 flex-1">
        <p className="font-semibold">{title}</p>
        {children ? <div className="mt-1 space-y-1">{children}</div> : null}
      </div>
      {onDismiss ? (
        <button
          type="button"
          onClick={onDismiss}
          className="rounded px-2 py-0.5 text-xs font-medium underline-offset-2 hover:underline"
          aria-label={t.dismissLabel(title)}
        >
          {t.dismiss}
        </button>
      ) : null}
    </div>
  );
}
