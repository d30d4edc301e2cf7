/**
 * Headers on every answer: no other site may frame the dashboard (its Clear and Retrain buttons could otherwise be
 * clickjacked), browsers never guess a content type, and URLs do not leak to other sites. next.config.js sends them
 * on everything Next.js answers; the front door sends them on what it answers itself.
 */
export const SECURITY_HEADERS: Readonly<Record<string, string>> = {
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "frame-ancestors 'none'",
  'X-Content-Type-Options': 'nosniff',
  'Referrer-Policy': 'same-origin',
};
