import { describe, expect, it } from 'vitest';
import { otherMethods } from './method-not-allowed';

describe('otherMethods', () => {
  it('answers exactly the methods a route does not serve', () => {
    expect(Object.keys(otherMethods(['GET'])).sort()).toEqual(['DELETE', 'PATCH', 'POST', 'PUT']);
    expect(Object.keys(otherMethods(['GET', 'POST'])).sort()).toEqual(['DELETE', 'PATCH', 'PUT']);
  });

  it('answers 405 in the error shape with Allow listing the served methods', async () => {
    const { DELETE } = otherMethods(['GET', 'POST']);
    const response = await DELETE();
    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('GET, POST');
    expect(response.headers.get('cache-control')).toBe('no-store');
    expect(await response.json()).toEqual({ error: { code: 'method_not_allowed', message: 'Use GET or POST for this endpoint' } });
  });
});
