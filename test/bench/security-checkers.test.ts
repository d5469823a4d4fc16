/**
 * bench:security's checkers catch what they are there to catch: a fetch that reached or tried to reach
 * an address inside the network (ssrf); limits that let in more than one process's worth, refuse without
 * saying why, or lock out a class (rate limits); a forged token let in, another tenant's object served,
 * a leak in a body, a server error (tokens); a bomb accepted or slow, memory over 1 GB, a fetch or a file
 * written outside (uploads); a hostile editor's update answered the wrong way, an honest studio cut off or
 * an edit of its lost, replicas that disagree, and content outside the scene's shape left in one (collab);
 * a command unanswered or answered twice, a sibling frame obeyed, an error thrown in the frame, a leaked
 * seat or a visitor cut off (widget).
 */
import { describe, expect, it } from '@jest/globals';
import * as Y from 'yjs';
import { liveDocOf, strayItems } from '../../protocol/index.js';
import { collabFuzzPass } from '../../bench/security/collab-fuzz.js';
import { widgetFuzzPass } from '../../bench/security/widget-fuzz.js';
import { contractPasses } from '../../bench/security/contract.js';
import { rulesToml } from '../../bench/security/contract-rules.js';
import { tokenProbePasses, violationOf, type ProbeAnswer } from '../../bench/security/forged-tokens.js';
import { rateLimitsPass, type FloodFigures } from '../../bench/security/rate-limits.js';
import { uploadBombsPass, type BombOutcome } from '../../bench/security/upload-bombs.js';
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

describe('the token probe checker', () => {
  const answer = (overrides: Partial<ProbeAnswer>): ProbeAnswer => ({
    credential: 'alg none',
    group: 'forged',
    operation: 'GET /worlds/{slug}',
    status: 401,
    leaked: false,
    victimPath: true,
    ...overrides,
  });

  it('accepts a forged token refused as unauthenticated, and another tenant refused or served its own', () => {
    expect(violationOf(answer({}))).toBeUndefined();
    expect(violationOf(answer({ group: 'other tenant', status: 404 }))).toBeUndefined();
    expect(
      violationOf(answer({ group: 'other tenant', operation: 'GET /orgs', victimPath: false, status: 200 })),
    ).toBeUndefined();
    expect(violationOf(answer({ operation: 'POST /livekit/webhook', status: 400 }))).toBeUndefined();
  });

  it('catches a forged token let in (or refused for another reason), a foreign object served, a leak and a 5xx', () => {
    expect(violationOf(answer({ status: 200 }))).toMatch(/not refused as unauthenticated/);
    expect(violationOf(answer({ status: 400 }))).toMatch(/not refused as unauthenticated/);
    expect(violationOf(answer({ group: 'other tenant', status: 200 }))).toMatch(/another tenant's object/);
    expect(
      violationOf(answer({ group: 'other tenant', victimPath: false, status: 200, leaked: true })),
    ).toMatch(/victim's data/);
    expect(violationOf(answer({ status: 500 }))).toMatch(/server error/);
  });

  it('fails a run with a violation, a jku fetch, a room seat, a blind control or a replay not refused', () => {
    const clean = {
      operations: 87,
      credentials: 26,
      requests: 2262,
      violations: [],
      leaks: 0,
      serverErrors: 0,
      jkuFetches: 0,
      roomJoins: { tried: 75, accepted: [], victimJoined: 3, rooms: 3 },
      refreshReplay: { refused: true, sessionEnded: true },
      siwe: { replayRefused: true, otherDomainRefused: true, statuses: { replay: 401, otherDomain: 400 } },
    };
    expect(tokenProbePasses(clean)).toBe(true);
    expect(tokenProbePasses({ ...clean, violations: ['alg none → GET /auth/me: 200'] })).toBe(false);
    expect(tokenProbePasses({ ...clean, jkuFetches: 1 })).toBe(false);
    expect(
      tokenProbePasses({ ...clean, roomJoins: { ...clean.roomJoins, accepted: ['alg none → world'] } }),
    ).toBe(false);
    expect(tokenProbePasses({ ...clean, roomJoins: { ...clean.roomJoins, victimJoined: 2 } })).toBe(false);
    expect(tokenProbePasses({ ...clean, refreshReplay: { refused: true, sessionEnded: false } })).toBe(false);
    expect(tokenProbePasses({ ...clean, siwe: { ...clean.siwe, replayRefused: false } })).toBe(false);
  });
});

describe('the upload bomb checker', () => {
  const bomb = (overrides: Partial<BombOutcome> = {}): BombOutcome => ({
    name: 'zip inflating to 2 GB',
    uploadBytes: 2_087_812,
    status: 202,
    outcome: 'rejected',
    reason: 'ZIP_TOO_LARGE_UNPACKED',
    seconds: 0.4,
    ...overrides,
  });
  const clean = {
    bombs: [bomb(), bomb({ name: 'too large', status: 413, outcome: 'refused', reason: 'over the limit' })],
    peakRssMb: 882,
    restRssMb: 257,
    restTree: 'MainThread 257 MB',
    peakTree: 'MainThread 848 MB',
    listenerConnections: 0,
    escapedFiles: [],
    baselineAccepted: true,
  };

  it('passes bombs refused in time, within 1 GB, with nothing fetched or written outside', () => {
    expect(uploadBombsPass(clean)).toBe(true);
  });

  it('fails on a bomb accepted, failed or slow, memory over 1 GB, a fetch, an escaped file or a blind baseline', () => {
    expect(uploadBombsPass({ ...clean, bombs: [bomb({ outcome: 'succeeded' })] })).toBe(false);
    expect(uploadBombsPass({ ...clean, bombs: [bomb({ outcome: 'failed' })] })).toBe(false);
    expect(uploadBombsPass({ ...clean, bombs: [bomb({ outcome: 'timeout', seconds: 120 })] })).toBe(false);
    expect(uploadBombsPass({ ...clean, bombs: [bomb({ seconds: 61 })] })).toBe(false);
    expect(uploadBombsPass({ ...clean, peakRssMb: 1_025 })).toBe(false);
    expect(uploadBombsPass({ ...clean, listenerConnections: 1 })).toBe(false);
    expect(uploadBombsPass({ ...clean, escapedFiles: ['/tmp/escaped-1234.bin'] })).toBe(false);
    expect(uploadBombsPass({ ...clean, baselineAccepted: false })).toBe(false);
  });
});

describe('the contract checker', () => {
  const clean = {
    schemathesis: '4.32.5',
    cases: 10_400,
    runs: [{ principal: 'operator', cases: 10_400, failures: [], errors: [] }],
    failures: 0,
    errors: 0,
    leastPerOperation: 120,
    operationsUnderMinimum: {},
    withoutInput: { 'GET /healthz': 15 },
    rules: 11,
  };

  it('passes a run of enough cases with no failure, and fails one with a failure or too few cases', () => {
    expect(contractPasses(clean)).toBe(true);
    expect(contractPasses({ ...clean, failures: 1 })).toBe(false);
    expect(contractPasses({ ...clean, cases: 9_999 })).toBe(false);
    expect(contractPasses({ ...clean, runs: [] })).toBe(false);
  });

  it('fails a run where schemathesis could not test an operation, or one got too few requests', () => {
    expect(contractPasses({ ...clean, errors: 1 })).toBe(false);
    expect(
      contractPasses({ ...clean, leastPerOperation: 99, operationsUnderMinimum: { 'GET /x': 99 } }),
    ).toBe(false);
    expect(contractPasses({ ...clean, withoutInput: { 'GET /healthz': 0 } })).toBe(false);
  });
});

describe('the rules told to schemathesis', () => {
  it('widen only the named check of the named operations, keeping its defaults', () => {
    const toml = rulesToml([
      { operations: ['GET /a', 'PUT /b'], statuses: [400], why: 'x' },
      { operations: ['GET /a'], statuses: [422], why: 'y' },
      { operations: ['GET /c'], statuses: [501], why: 'z', check: 'not_a_server_error' },
    ]);
    expect(toml.match(/\[\[operations\]\]/g)).toHaveLength(3);
    expect(toml).toContain(
      'include-name = "GET /a"\nchecks.positive_data_acceptance.expected-statuses = ["2xx","3xx","401","403","404","409","429","5xx","400","422"]',
    );
    expect(toml).toContain('checks.not_a_server_error.expected-statuses = ["2xx","3xx","4xx","501"]');
  });
});

describe('the collab checker', () => {
  const clean = {
    cases: 1_140,
    outcomes: { 'random bytes as an update': { closed: 60 } },
    wrongOutcomes: [],
    wrongOutcomeCount: 0,
    honestEdits: 280,
    honestOutages: 0,
    honestOutageReasons: [],
    honestEditsLost: 0,
    converged: true,
    replicasAgree: true,
    savedMatches: true,
    quiet: true,
    savedDraftValid: true,
    strayItems: 0,
    stateBytes: { start: 965, end: 16_825 },
    serverUp: true,
  };

  it('passes a clean run, and fails a wrong answer, an outage, a lost edit, a divergence or stray content', () => {
    expect(collabFuzzPass(clean)).toBe(true);
    expect(collabFuzzPass({ ...clean, wrongOutcomeCount: 1 })).toBe(false);
    expect(collabFuzzPass({ ...clean, honestOutages: 1 })).toBe(false);
    expect(collabFuzzPass({ ...clean, honestEditsLost: 1 })).toBe(false);
    expect(collabFuzzPass({ ...clean, converged: false })).toBe(false);
    expect(collabFuzzPass({ ...clean, savedDraftValid: false })).toBe(false);
    expect(collabFuzzPass({ ...clean, strayItems: 1 })).toBe(false);
    expect(collabFuzzPass({ ...clean, serverUp: false })).toBe(false);
    expect(collabFuzzPass({ ...clean, cases: 999 })).toBe(false);
  });

  it('finds planted content outside the scene’s shape in a replica, hidden or not', () => {
    const doc = liveDocOf({ a: { name: 'A', order: 'a0', components: {} } });
    expect(strayItems(doc)).toHaveLength(0);
    doc.getMap('junk').set('k', 'planted');
    doc.getMap<Y.Map<unknown>>('entities').get('a')!.set('name', new Y.Text('hidden'));
    expect(strayItems(doc)).toHaveLength(3); // the junk value, the text under `name`, and the text's content
  });
});

describe('the widget checker', () => {
  const clean = {
    posted: 1_320,
    notPostable: 22,
    answerable: 710,
    repliesMissing: 0,
    repliesDuplicated: 0,
    unexpectedReplies: 0,
    unknownErrorCodes: [],
    errorCodes: { 'bad-argument': 243, busy: 88 },
    frameErrors: [],
    scriptsRun: 0,
    sibling: { posted: 200, answered: 0, chatSeen: false },
    mostSeatsAtOnce: 1,
    seatsLeftAfterLeave: 0,
    visitorDisconnected: false,
    stillWorks: true,
  };

  it('passes a clean run, and fails each fault it is there to see', () => {
    expect(widgetFuzzPass(clean)).toBe(true);
    expect(widgetFuzzPass({ ...clean, repliesMissing: 1 })).toBe(false);
    expect(widgetFuzzPass({ ...clean, repliesDuplicated: 1 })).toBe(false);
    expect(widgetFuzzPass({ ...clean, unexpectedReplies: 1 })).toBe(false);
    expect(widgetFuzzPass({ ...clean, unknownErrorCodes: ['oops'] })).toBe(false);
    expect(widgetFuzzPass({ ...clean, frameErrors: ['TypeError'] })).toBe(false);
    expect(widgetFuzzPass({ ...clean, scriptsRun: 1 })).toBe(false);
    expect(widgetFuzzPass({ ...clean, sibling: { posted: 200, answered: 1, chatSeen: false } })).toBe(false);
    expect(widgetFuzzPass({ ...clean, sibling: { posted: 200, answered: 0, chatSeen: true } })).toBe(false);
    expect(widgetFuzzPass({ ...clean, sibling: { posted: 0, answered: 0, chatSeen: false } })).toBe(false);
    // The seat leak the harness found: 64 seats at once, all still held after the last leave.
    expect(widgetFuzzPass({ ...clean, mostSeatsAtOnce: 64, seatsLeftAfterLeave: 64 })).toBe(false);
    expect(widgetFuzzPass({ ...clean, visitorDisconnected: true })).toBe(false);
    expect(widgetFuzzPass({ ...clean, stillWorks: false })).toBe(false);
    expect(widgetFuzzPass({ ...clean, answerable: 499 })).toBe(false);
  });
});
