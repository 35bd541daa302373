# enumerate(start=), zip, range, math, round, abs, divmod, sets, next, iter.
import math
import time
for i, name in enumerate(['a', 'b'], start=1):
    print(i, name)
print(list(zip([1, 2, 3], 'ab')), list(zip()), list(enumerate('xy')))
print(list(range(5)), list(range(2, 10, 3)), list(range(5, 0, -2)), range(3), len(range(0, 10, 3)), range(10)[2], 5 in range(10))
print(math.sqrt(16), math.exp(0), math.log(math.e), math.log(8, 2), math.floor(-2.5), math.ceil(2.1), math.pi, math.e)
print(math.isnan(float('nan')), math.isfinite(math.inf), math.isinf(-math.inf), math.nan != math.nan, math.log10(1000), math.fabs(-2))
print(round(2.5), round(3.5), round(-0.5), round(0.125, 2), round(1234, -2), round(2.675, 2), round(5, 1))
print(abs(-3), abs(-2.5), abs(True), divmod(7, 3), divmod(-7, 3), pow(2, 10), 7 // -2, -7 % 3, 7.5 // 2, 2 ** -1)
start = time.time()
print(isinstance(start, float), time.time() >= start)
s = {3, 1, 2, 3}
s.add(4)
s.discard(10)
print(sorted(s), len(s), 2 in s, sorted(s | {9}), sorted(s & {1, 2, 7}), sorted(s - {1}), sorted({1, 2} ^ {2, 3}), set() == set())
it = iter([10, 20])
print(next(it), next(it), next(it, 'done'))
gen = (x * x for x in range(3))
print(next(gen), list(gen), list(gen))
print(int('42'), int(3.99), int(-3.99), float('1e-3'), float(' 2 '), bool(''), bool('0'), str(12), int('0x1f', 16), int(' 7 '))
print(sum([0.1] * 10), sum([[1], [2]], []), sum(range(101)), max([1, 5, 3]), min('zebra'))
print(list(reversed([1, 2, 3])), list(reversed('ab')), sorted(set('mississippi')), hash(1) == hash(1.0))
print(1e308 * 10, -1e308 * 10, 10 / 4, 10 // 4, 2 ** 62, 0.1 + 0.2, 1 / 3, 2 ** 0.5, -7 // 2)
print(math.sqrt(-1))
