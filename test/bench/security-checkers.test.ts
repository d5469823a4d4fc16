/**
 * bench:security's checkers catch what they are there to catch: a fetch that reached or tried to reach
 * an address inside the network (ssrf), and limits that let in more than one process's worth, refuse
 * without saying why, or lock out a class (rate limits).
 */
import { describe, expect, it } from '@jest/globals';
import { rateLimitsPass, type FloodFigures } from '../../bench/security/rate-limits.js';
import { outcomeOf, ssrfPasses } from '../../bench/security/ssrf.js';

describe('the ssrf checker', () => {
  const clean = {
    cases: 192,
    refused: 176,
    unresolved: 16,
    attempted: 0,
    attemptedCases: [],
    listenerConnections: 0,
    failedCases: [],
    gatewayRequests: 144,
    control: { spellings: 28, reachedListener: 25, notReached: [] },
  };

  it('passes a run where everything was refused or did not resolve', () => {
    expect(ssrfPasses(clean)).toBe(true);
  });

  it('fails on a connection the listener saw, an attempted fetch, a case that did not run or a blind listener', () => {
    expect(ssrfPasses({ ...clean, listenerConnections: 1 })).toBe(false);
    expect(
      ssrfPasses({ ...clean, attempted: 1, attemptedCases: ['metadata: x → connect EHOSTUNREACH'] }),
    ).toBe(false);
    expect(ssrfPasses({ ...clean, failedCases: ['metadata: x → HTTP 500'] })).toBe(false);
    expect(ssrfPasses({ ...clean, control: { spellings: 28, reachedListener: 0, notReached: [] } })).toBe(
      false,
    );
    expect(ssrfPasses({ ...clean, cases: 0 })).toBe(false);
  });

  it('reads a refusal, an unresolvable name and anything else (an attempt) from the display problem', () => {
    expect(
      outcomeOf('its metadata could not be used: [::1]:80 is not fetched: ::1 is a loopback address'),
    ).toBe('refused');
    expect(outcomeOf('its image could not be used: http: URLs are not fetched (only https)')).toBe('refused');
    expect(outcomeOf('its metadata could not be used: getaddrinfo ENOTFOUND metadata.google.internal')).toBe(
      'unresolved',
    );
    expect(outcomeOf('its metadata could not be used: connect EHOSTUNREACH ::7f00:1:443')).toBe('attempted');
    expect(outcomeOf('its metadata could not be used: Invalid URL')).toBe('attempted');
    expect(outcomeOf(undefined)).toBe('attempted'); // fetched: no problem at all
  });
});

describe('the rate-limit checker', () => {
  const flood = (admitted: number, sent = 300): FloodFigures => ({
    sent,
    admitted,
    refused: sent - admitted,
    refusedUnexplained: 0,
    other: [],
  });
  const clean = {
    processes: 2,
    guestsPerMinute: 60,
    authPerMinute: 10,
    flood: flood(60),
    signIn: flood(10, 60),
    classroom: { size: 40, admitted: 40 },
    baselineWithoutRedis: flood(120),
  };

  it('passes limits that hold across processes and let a class in', () => {
    expect(rateLimitsPass(clean)).toBe(true);
  });

  it('fails on one limit per process, unexplained refusals, server errors or a class locked out', () => {
    expect(rateLimitsPass({ ...clean, flood: flood(120) })).toBe(false);
    expect(rateLimitsPass({ ...clean, signIn: flood(20, 60) })).toBe(false);
    expect(rateLimitsPass({ ...clean, flood: { ...flood(60), refusedUnexplained: 3 } })).toBe(false);
    expect(rateLimitsPass({ ...clean, signIn: { ...flood(10, 60), other: [500] } })).toBe(false);
    expect(rateLimitsPass({ ...clean, classroom: { size: 40, admitted: 20 } })).toBe(false);
    expect(rateLimitsPass({ ...clean, flood: flood(0) })).toBe(false);
  });
});
