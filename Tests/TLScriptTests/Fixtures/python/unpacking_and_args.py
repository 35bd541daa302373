# Starred unpacking, *args/**kwargs in calls and definitions, defaults, keyword-only arguments.
a, *rest = [1, 2, 3, 4]
print(a, rest)
*init, last = 'abc'
print(init, last)
first, *middle, end = range(5)
print(first, middle, end)
(x, y), z = (1, 2), 3
print(x, y, z)
for i, (k, v) in enumerate({'a': 1, 'b': 2}.items(), start=1):
    print(i, k, v)
def f(a, b=2, *args, c, d=4, **kwargs):
    return (a, b, args, c, d, kwargs)
print(f(1, c=3))
print(f(1, 5, 6, 7, c=3, e=9))
args = [10, 20]
kwargs = {'c': 30, 'z': 0}
print(f(*args, **kwargs))
print(f(*[1], *[2, 3], c=1, **{'d': 0}))
def g(*values):
    return sum(values)
print(g(), g(1, 2, 3), [*range(3), *'ab'], (*[1, 2],))
def keyword_only(*, scale=1.0, shift=0):
    return scale, shift
print(keyword_only(shift=2))
def defaults(items=None, n=3):
    if items is None:
        items = []
    items.append(n)
    return items
print(defaults(), defaults([1]), defaults(n=0))
print(max(*[4, 9, 2]), print is print)
f(1)
