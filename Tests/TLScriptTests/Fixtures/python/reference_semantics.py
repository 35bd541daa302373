# Lists and dicts are shared, as in Python: aliases see every change.
a = [1, 2]
b = a
b.append(3)
print(a, a is b, a == [1, 2, 3], a is [1, 2, 3])
c = a[:]
c.append(4)
print(a, c)
d = {'items': []}
d['items'].append('x')
items = d['items']
items.append('y')
print(d)
def fill(target):
    target.extend([7, 8])
    target += [9]
fill(a)
print(a)
matrix = [[0] * 2 for _ in range(2)]
matrix[0][1] = 5
print(matrix)
shared = [[0] * 2] * 2
shared[0][1] = 5
print(shared)
m = {'a': 1}
n = m
n['b'] = 2
del m['a']
print(m, n, m is n)
copy = dict(m)
copy['c'] = 3
print(m, copy)
nums = [5, 6, 7]
for value in nums:
    if value == 6:
        nums.append(8)
print(nums)
t = ([1], 2)
t[0].append(3)
print(t)
