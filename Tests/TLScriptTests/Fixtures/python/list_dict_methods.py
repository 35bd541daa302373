# List and dict methods.
xs = [3, 1, 2]
xs.extend((5, 4))
xs.insert(0, 9)
xs.insert(-1, 7)
print(xs, xs.pop(), xs.pop(0), xs)
xs.remove(1)
print(xs, xs.index(5), xs.count(2), [1, 1, 2].count(1))
xs.sort()
print(xs)
xs.sort(reverse=True)
print(xs)
xs.reverse()
print(xs, xs.copy() == xs, xs.copy() is xs)
xs.clear()
print(xs, len(xs))
d = {'b': 1}
d.update({'a': 2}, c=3)
d.update([('d', 4)])
print(d, list(d.keys()), list(d.values()), list(d.items()))
print(d.get('a'), d.get('z'), d.get('z', 0), d.setdefault('e', 5), d.setdefault('a', 99))
print(d.pop('b'), d.pop('zz', 'none'), d, len(d), 'a' in d, 'b' in d)
print(d.popitem(), d)
counts = {}
for word in 'the cat the dog the end'.split():
    counts[word] = counts.get(word, 0) + 1
print(counts, sorted(counts.items(), key=lambda kv: -kv[1])[0])
groups = {}
for n in range(6):
    groups.setdefault(n % 3, []).append(n)
print(groups, {1: 'a', 2.0: 'b', (1, 2): 'c', None: 'd', True: 'e'})
print(dict(a=1, b=2), dict([('x', 1)]), dict(zip(['p', 'q'], [1, 2])), d.keys(), d.values(), d.items())
print({'a': 1} == {'a': 1}, [1, 2] == [1, 2], [1, 2] < [1, 3], (1, 2) + (3,), [0] * 3, [1, [2]] + [3])
[].pop()
