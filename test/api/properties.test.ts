import { describe, expect, test, vi } from 'vitest';
import { MAX_EVENT_NAME_LENGTH, MAX_PAGE_PROPERTIES, MAX_PAYLOAD_BYTES, MAX_PROPERTIES_PER_CALL, MAX_PROPERTY_NAME_LENGTH, MAX_STRING_VALUE_LENGTH, MAX_USER_PROPERTIES, fitsPayload, normalizePageVars, normalizeProperties, normalizeUserVars, withinUserCap } from '../../src/api/properties';
import { createWarner } from '../../src/lib/warn-once';

function run(input: unknown) {
  const con = { warn: vi.fn() };
  const out = normalizeProperties(input, { call: 'FS.event("t")', warn: createWarner(con) });
  return { out, warnings: con.warn.mock.calls.map((args) => String(args[0])) };
}

describe('type suffixes', () => {
  test('valid suffixed values pass unchanged; dates become ISO strings', () => {
    const { out, warnings } = run({
      name_str: 'Ada',
      count_int: 3,
      price_real: 9.5,
      ok_bool: false,
      signup_date: new Date('2024-03-11T13:19:23Z'),
      seen_date: '2024-03-11',
      tags_strs: ['a', 'b'],
      ids_ints: [1, 2],
      coords_reals: [40.7, -74],
      flags_bools: [true],
      days_dates: [new Date('2024-01-01T00:00:00Z')],
    });
    expect(warnings).toEqual([]);
    expect(out).toEqual({
      name_str: 'Ada',
      count_int: 3,
      price_real: 9.5,
      ok_bool: false,
      signup_date: '2024-03-11T13:19:23.000Z',
      seen_date: '2024-03-11T00:00:00.000Z',
      tags_strs: ['a', 'b'],
      ids_ints: [1, 2],
      coords_reals: [40.7, -74],
      flags_bools: [true],
      days_dates: ['2024-01-01T00:00:00.000Z'],
    });
  });

  test('a value that does not match its suffix is dropped with a warning naming it; the rest goes through', () => {
    const { out, warnings } = run({ count_int: 2.5, ok_bool: 'yes', ids_ints: [1, 'x'], when_date: 'soon', kept_str: 'k' });
    expect(out).toEqual({ kept_str: 'k' });
    expect(warnings).toHaveLength(4);
    expect(warnings[0]).toContain('"count_int"');
    expect(warnings[0]).toContain('an integer');
    expect(warnings[1]).toContain('"ok_bool"');
    expect(warnings[2]).toContain('"ids_ints"');
    expect(warnings[3]).toContain('"when_date"');
  });

  test('without a suffix the type is inferred and the suffix added (numbers as reals, as FullStory does)', () => {
    const { out, warnings } = run({ plan: 'pro', seats: 4, trial: true, at: new Date(0), tags: ['x'], nested: { depth: 1 } });
    expect(warnings).toEqual([]);
    expect(out).toEqual({
      plan_str: 'pro',
      seats_real: 4,
      trial_bool: true,
      at_date: '1970-01-01T00:00:00.000Z',
      tags_strs: ['x'],
      nested: { depth_real: 1 },
    });
  });
});

describe('names, values and counts', () => {
  test('names must start with a letter and use letters, digits, _ and -', () => {
    const { out, warnings } = run({ '1st': 'a', 'has space': 'b', 'ok-name': 'c', _x: 'd' });
    expect(out).toEqual({ 'ok-name_str': 'c' });
    expect(warnings).toHaveLength(3);
    expect(warnings[0]).toMatch(/"1st" dropped: names start with a letter/);
  });

  test(`names are at most ${MAX_PROPERTY_NAME_LENGTH} characters including the suffix`, () => {
    const long = 'a'.repeat(MAX_PROPERTY_NAME_LENGTH - 2);
    const { out, warnings } = run({ [long]: 'x', [`${'b'.repeat(MAX_PROPERTY_NAME_LENGTH - 4)}_str`]: 'y' });
    expect(Object.keys(out)).toEqual([`${'b'.repeat(MAX_PROPERTY_NAME_LENGTH - 4)}_str`]);
    expect(warnings[0]).toContain(`${MAX_PROPERTY_NAME_LENGTH} characters`);
  });

  test(`strings longer than ${MAX_STRING_VALUE_LENGTH} characters, nulls, functions and arrays of objects are dropped`, () => {
    const { out, warnings } = run({ long_str: 'x'.repeat(MAX_STRING_VALUE_LENGTH + 1), gone: null, fn: () => 1, list: [{ a: 1 }], fine: 'ok' });
    expect(out).toEqual({ fine_str: 'ok' });
    expect(warnings).toHaveLength(4);
  });

  test(`at most ${MAX_PROPERTIES_PER_CALL} properties per call`, () => {
    const many = Object.fromEntries(Array.from({ length: MAX_PROPERTIES_PER_CALL + 5 }, (_, i) => [`p${i}`, i]));
    const { out, warnings } = run(many);
    expect(Object.keys(out)).toHaveLength(MAX_PROPERTIES_PER_CALL);
    expect(warnings.some((warning) => warning.includes(`at most ${MAX_PROPERTIES_PER_CALL} properties`))).toBe(true);
  });

  test(`a page holds at most ${MAX_PAGE_PROPERTIES} properties (FullStory's page limit): new names past it are dropped with one warning, stored ones still update`, () => {
    const con = { warn: vi.fn() };
    const context = { call: "FS('setProperties', { type: 'page' })", warn: createWarner(con) };
    const stored = Object.fromEntries(Array.from({ length: MAX_PAGE_PROPERTIES - 2 }, (_, n) => [`p${n}_str`, 'x']));
    const out = normalizePageVars({ pageName: 'Checkout', p0: 'y', a: '1', b: '2', c: '3', d: '4' }, context, stored);
    expect(out).toEqual({ PageName: 'Checkout', vars: { p0_str: 'y', a_str: '1', b_str: '2' } });
    expect(con.warn).toHaveBeenCalledTimes(1);
    expect(String(con.warn.mock.calls[0][0])).toContain(`at most ${MAX_PAGE_PROPERTIES} properties`);
  });

  test(`a page sets at most ${MAX_USER_PROPERTIES} custom vars for its user: new names past it are dropped with one warning, known ones and email still update`, () => {
    const con = { warn: vi.fn() };
    const context = { call: 'FS.setUserVars', warn: createWarner(con) };
    const known = new Set<string>();
    const capped = (input: Record<string, unknown>) => {
      const payload = normalizeUserVars(input, context);
      return payload && withinUserCap(payload, known, context);
    };
    for (let call = 0; call < MAX_USER_PROPERTIES / 50; call++) {
      const vars = Object.fromEntries(Array.from({ length: 50 }, (_, n) => [`v${call * 50 + n}`, n]));
      expect(Object.keys(capped(vars)?.vars ?? {})).toHaveLength(50);
    }
    expect(known.size).toBe(MAX_USER_PROPERTIES);
    expect(capped({ email: 'a@example.com', v0: 7, extra: 1 })).toEqual({ UserEmail: 'a@example.com', vars: { v0_real: 7 } });
    expect(capped({ another: 'x' })).toBeNull();
    expect(con.warn).toHaveBeenCalledTimes(1);
    expect(String(con.warn.mock.calls[0][0])).toContain(`a user holds at most ${MAX_USER_PROPERTIES} properties`);
  });

  test('a non-object is refused with one warning', () => {
    expect(run('plan=pro')).toEqual({ out: {}, warnings: ['[openstory] FS.event("t"): properties must be a plain object; got "plan=pro".'] });
  });

  test('the same problem is reported once however often it happens', () => {
    const con = { warn: vi.fn() };
    const warn = createWarner(con);
    for (let i = 0; i < 5; i++) normalizeProperties({ count_int: 'x' }, { call: 'FS.setUserVars', warn });
    expect(con.warn).toHaveBeenCalledTimes(1);
  });

  test(`a payload over ${MAX_PAYLOAD_BYTES} bytes does not fit`, () => {
    const con = { warn: vi.fn() };
    const context = { call: 'FS.event("big")', warn: createWarner(con) };
    expect(fitsPayload({ a: 'x'.repeat(1000) }, context)).toBe(true);
    expect(fitsPayload({ a: 'x'.repeat(MAX_PAYLOAD_BYTES) }, context)).toBe(false);
    expect(con.warn).toHaveBeenCalledOnce();
    expect(MAX_EVENT_NAME_LENGTH).toBe(250);
  });
});
