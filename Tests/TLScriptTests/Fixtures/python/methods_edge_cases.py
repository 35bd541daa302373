# String, list, dict and tuple methods on awkward inputs, and in-place += / *= on aliased lists.
s = '  The Quick  brown_fox 42 '
for m in ['strip', 'lstrip', 'rstrip', 'upper', 'lower', 'title', 'capitalize', 'swapcase', 'split', 'isdigit', 'isalpha', 'isspace', 'islower', 'isupper', 'splitlines', 'casefold']:
    print(m, repr(getattr(s, m)()))
print(s.split(' '), s.split(None, 2), s.rsplit(None, 2), s.split('o', 1), s.rsplit('o', 1))
print(s.replace(' ', ''), s.replace('o', '0', 1), s.find('Q'), s.rfind('o'), s.count(' '), s.count(''))
print(s.strip().startswith(('The', 'A')), s.endswith(' '), s.center(30, '.'), s.strip().zfill(30))
print('a\tb\nc\r\nd'.splitlines(), 'x'.join('abc'), ','.join([]), '--'.join(('a',)), 'abc'.partition('x'), 'a=b=c'.rpartition('='))
print('Hello World'.title(), "they're bill's".title(), 'ABC def'.swapcase(), '123abc'.isalnum(), '½'.isnumeric() if False else '', ''.isalpha())
print('ab'.ljust(5, '-') + '|', 'ab'.rjust(5, '0'), 'abc'.center(8, '*'), 'abcd'.center(7), 'x'.center(4))
print('path/to/file.png'.rsplit('/', 1)[-1].split('.')[0], 'cat.123.jpg'.split('.')[1], 'a,b;c'.replace(';', ',').split(','))
xs = [5, 2, 9, 1]
ys = xs
xs += [3]
xs *= 1
print(ys, xs is ys, xs[1:3], xs[::-1], sorted(xs)[-2:], xs.index(9), 9 in xs)
ys.sort(reverse=True)
print(xs, [x ** 2 for x in xs][:2], list(reversed(xs)), xs.count(2))
d = {'b': 2, 'a': 1}
d2 = d.copy()
d2['c'] = 3
print(d, d2, sorted(d2), list(d2.items())[-1], {k: d2[k] for k in sorted(d2, reverse=True)})
print(len(d2), d2.get('z', []), list(d2), str(d2), repr(d2.values()), 'a' in d2.keys(), 3 in d2.values())
t = tuple(xs)
print(t, t[1:], t.count(2), t.index(9), t + (7,), tuple(), len(t), sorted(t, reverse=True))
nested = {'train': {'cats': 1000, 'dogs': 1000}, 'val': {'cats': 500}}
print(nested['train']['dogs'], sum(v for split in nested.values() for v in split.values()), list(nested))
a = b = []
a.append(1)
print(a, b, a is b)
print([1, 2, 3] == [1, 2, 3], [1, 2] != [1, 2, 3], (1, 2) < (1, 2, 0), [3] > [2, 9], 'Z' < 'a', 'abc' < 'abd')
