import { expect, test } from 'vitest';
import { suspicion } from '../../src/heuristics/suspicious';

const SQL_INJECTION = [
  "' OR 1=1 --",
  "admin'--",
  '" or ""="',
  "x') OR ('a'='a",
  '1 UNION SELECT username, password FROM users',
  "1; DROP TABLE users",
  "1' AND SLEEP(5)#",
  "1'; WAITFOR DELAY '0:0:5'--",
  '%27%20OR%201%3D1%20--',
];
const XSS = [
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '<svg/onload=alert(1)>',
  'javascript:alert(document.cookie)',
  '%3Cscript%3Ealert(1)%3C%2Fscript%3E',
  '&lt;script&gt;alert(1)&lt;/script&gt;',
  '<a href="x" onmouseover="steal()">',
];
const ORDINARY = [
  "O'Brien",
  "It's 5 o'clock, isn't it?",
  'She said "hello" and left',
  '3 < 5 and 7 > 2',
  'I <3 this shop',
  `O'Brien said "3 < 5" and I <3 it -- really`,
  '<b> is for bold, said the teacher',
  "Rock 'n' roll -- forever",
  'Tom & Jerry; or maybe not',
  'select a size from the list',
  'https://shop.example/search?q=red+shoes&page=2',
  '',
];

test.each(SQL_INJECTION)('SQL injection %s is 1', (value) => expect(suspicion(value)).toBe(1));
test.each(XSS)('cross-site scripting %s is 2', (value) => expect(suspicion(value)).toBe(2));
test.each(ORDINARY)('ordinary text %s is 0', (value) => expect(suspicion(value)).toBe(0));
