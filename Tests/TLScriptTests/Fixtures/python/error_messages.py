# The messages of common mistakes, caught and printed as str(e), as CPython words them.
tests = [
    lambda: [1][3], lambda: {}['k'], lambda: int('x'), lambda: float('y'), lambda: 1 / 0, lambda: 1 // 0, lambda: 1 % 0,
    lambda: 1.0 / 0, lambda: None + 1, lambda: 'a' + 1, lambda: [1] + (1,), lambda: len(5), lambda: undefined,
    lambda: [].pop(), lambda: [1].remove(2), lambda: 'abc'.index('z'), lambda: next(iter([])), lambda: (1, 2)[5],
    lambda: 'abc'[10], lambda: {1, 2}.remove(3), lambda: int(float('inf')), lambda: int(float('nan')), lambda: max([]),
    lambda: sorted([1, 'a']), lambda: 1 < 'a', lambda: [1, 2].index(3), lambda: abs('x'), lambda: round('x'),
    lambda: 'x' * 'y', lambda: [] * 2.0, lambda: hash([]), lambda: {[]: 1}, 
    lambda: chr(-1), lambda: ord('ab'), lambda: math_missing.sqrt(1), lambda: 'a'.foo(),
    lambda: [].x, lambda: dict(a=1)['b'], lambda: range(1, 2, 0), lambda: 2 ** 0.5 ** -1 and 0 ** -1,
    lambda: '{}{}'.format(1), lambda: '%d' % 'x', lambda: '%s %s' % (1,), lambda: '%s' % (1, 2),
    lambda: list(zip([1], [2], strict=True)) and list(zip([1, 2], [3], strict=True)),
    lambda: divmod(1, 0), lambda: pow(0, -1), lambda: [1, 2, 3][1:2:0], lambda: isinstance(1, 'int'),
    lambda: sum(['a', 'b']), lambda: ''.join([1]), lambda: 'a'.split(''), lambda: {}.popitem(), lambda: [][0:1][0],
]
for t in tests:
    try:
        t()
        print('no error')
    except Exception as e:
        print(type(e).__name__ + ':', e)
def two(a, b):
    return a + b
for call in [lambda: two(1), lambda: two(1, 2, 3), lambda: two(1, c=2), lambda: two(1, a=2)]:
    try:
        call()
    except TypeError as e:
        print(e)
