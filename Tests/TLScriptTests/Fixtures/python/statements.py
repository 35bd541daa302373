# del, assert, chained comparisons, conditional expressions, while/else, for/else, in/not in, isinstance.
xs = list(range(10))
del xs[0]
del xs[-1]
del xs[1:3]
del xs[::2]
print(xs)
d = {'a': 1, 'b': 2}
del d['a']
print(d)
v = 5
del v
v = 6
print(v)
print(1 < 2 < 3, 1 < 3 < 2, 0 <= v <= 10, 'b' < 'c' > 'a')
print('even' if v % 2 == 0 else 'odd', 2 in [1, 2], 'c' not in 'abc', 'x' in {'x': 1}, 3 not in range(3))
n = 0
while n < 3:
    n += 1
else:
    print('while finished', n)
for i in range(5):
    if i == 2:
        break
else:
    print('not printed')
for i in range(2):
    pass
else:
    print('for finished', i)
print(isinstance(1, int), isinstance(True, int), isinstance(1.0, (int, float)), isinstance('s', str),
      isinstance([], list), isinstance((), tuple), isinstance({}, dict), isinstance(1, float), isinstance(False, bool))
assert isinstance(v, int), 'v must be an int'
print(type(3) == int, type('') is str, type([]).__name__)
i = 10
i -= 3; i *= 2; i //= 3; i **= 2; i %= 7
print(i)
print(not [], not [0], [] or 'default', 0 and 1, None is None, 1 is not None)
assert v > 100, f"v is only {v}"
