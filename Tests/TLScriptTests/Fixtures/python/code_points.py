# Strings are sequences of code points: \r\n is two, a combining accent is its own character.
s = 'a\r\nb\r\nc'
print(s.split('\n'), s.split('\r'), s.count('\n'), s.find('\n'), s.replace('\n', '|'), '\n' in s, len(s), s[1], list(s)[:3])
print('x\r\n'.strip(), 'x\r\n'.rstrip('\n'), 'é'.upper(), 'ß'.upper(), len('🐕'), 'e\u0301' == 'é', len('e\u0301'))
w = 'a\r\nb'
print(w.startswith('a\r'), w.endswith('\nb'), w.removeprefix('a\r'), repr(w.removesuffix('\nb')), repr(w.center(7, '*')), repr(f"{w:>6}"), repr('%.3s' % w))
