# lambda, sorted(key=, reverse=), list.sort, min/max(key=), map, filter.
pairs = [('b', 2), ('a', 3), ('c', 1), ('d', 2)]
print(sorted(pairs, key=lambda p: p[1]))
print(sorted(pairs, key=lambda p: p[1], reverse=True))
print(sorted(pairs), sorted(pairs, reverse=True))
words = ['banana', 'Apple', 'cherry', 'fig']
words.sort(key=len)
print(words)
words.sort(key=str.lower if False else (lambda w: w.lower()), reverse=True)
print(words)
print(min(pairs, key=lambda p: p[1]), max(pairs, key=lambda p: p[1]), max('abc'), min(3, 1, 2))
print(list(map(lambda x: x * 10, [1, 2, 3])), list(map(lambda a, b: a + b, [1, 2], [10, 20])))
print(list(filter(lambda x: x % 2, range(7))), list(filter(None, [0, 1, '', 'a', None])))
add = lambda a, b=10: a + b
print(add(1), add(1, 2), add(b=5, a=1))
print((lambda *args, **kw: (args, kw))(1, 2, z=3))
print(sorted([3, 1, 2], reverse=True), sorted('hello'), sorted({'b': 1, 'a': 2}))
