# List, dict and set comprehensions with conditions and nested loops; generator expressions in calls.
xs = [3, 1, 4, 1, 5, 9, 2, 6]
print([x * x for x in xs if x % 2 == 1])
print([(i, j) for i in range(3) for j in range(i)])
print([[r * 3 + c for c in range(3)] for r in range(2)])
print({k: v for k, v in zip("abc", range(3))})
print(sorted({x % 4 for x in xs}))
print(sum(x for x in xs), max(x * 2 for x in xs if x < 5), min((x for x in xs), default=0))
print(list(x + 1 for x in range(4)))
squares = {n: n ** 2 for n in range(5) if n != 2}
print(squares, len(squares))
names = ['cat', 'dog']
index = {name: i for i, name in enumerate(names)}
print(index, {v: k for k, v in index.items()})
x = 'outer'
print([x for x in range(2)], x)
print(any(v > 8 for v in xs), all(v > 0 for v in xs), any([]), all([]))
print([c.upper() for c in "hey" if c != "e"])
print([y for row in [[1, 2], [3], []] for y in row])
print({x % 5 for x in range(20, 0, -3)}, {3, 1, 2}, set(), {0})
