/**
 * `ALLOWED_HOSTS`: the host names this server answers for. A browser tricked by DNS rebinding sends the attacker's
 * host name in `Host` while talking to this server; refusing unknown names closes that door for pages and API
 * alike (the Origin check of management calls compares against the same, now trusted, host).
 */
import { hostname } from 'node:os';

/** `null` = any host (`ALLOWED_HOSTS=*`). Names are lower-case, without port and without IPv6 brackets. */
export type AllowedHosts = ReadonlySet<string> | null;

/** The default: loopback names and this machine's own host name. */
export function defaultAllowedHosts(): string[] {
  return ['localhost', '127.0.0.1', '::1', hostname()];
}

/** `ALLOWED_HOSTS` text → the set (`*` → any host); empty → the default list. */
export function parseAllowedHosts(value: string | undefined): AllowedHosts {
  const names = (value ?? '')
    .split(',')
    .map((name) => name.trim())
    .filter(Boolean);
  if (names.includes('*')) return null;
  return new Set((names.length > 0 ? names : defaultAllowedHosts()).map(bareHostName));
}

/** Whether a `Host` header value (`name`, `name:port`, `[v6]:port`) names an allowed host. A missing Host is HTTP/1.0: allowed. */
export function hostAllowed(host: string | null, allowed: AllowedHosts): boolean {
  if (allowed === null || host === null || host === '') return true;
  return allowed.has(bareHostName(host));
}

/** Lower-case host name without port, brackets or a trailing dot. */
export function bareHostName(host: string): string {
  let name = host.trim().toLowerCase();
  if (name.startsWith('[')) {
    const end = name.indexOf(']');
    name = end === -1 ? name.slice(1) : name.slice(1, end);
  } else if ((name.match(/:/g) ?? []).length === 1) {
    name = name.slice(0, name.indexOf(':'));
  }
  return name.endsWith('.') ? name.slice(0, -1) : name;
}
