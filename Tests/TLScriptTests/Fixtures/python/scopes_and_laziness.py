# Scoping, late binding, laziness of generators and map, defaults, keyword-only and variadic parameters.
def counter():
    n = 0
    def inc():
        nonlocal n
        n += 1
        return n
    def get():
        return n
    return inc, get
inc, get = counter()
inc(); inc()
print(get())
def f():
    x = 1
    def g():
        def h():
            return x
        return h()
    x = 2
    return g()
print(f())
total = 0
def add(n):
    global total
    for i in range(n):
        total += i
add(5)
print(total)
g = (print('evaluated', i) or i for i in range(2))
print('before')
print(list(g))
lazy = map(lambda v: print('mapping', v) or v * 2, [1, 2])
print('created')
print(next(lazy))
def gen_pairs():
    return [(a, b) for a in range(3) for b in range(a)]
print(gen_pairs())
x = 5
print([x for x in range(3)], x, {x for x in 'aa'}, x)
funcs = []
for i in range(3):
    funcs.append(lambda: i)
print([fn() for fn in funcs])
def default_list(v, acc=[]):
    acc.append(v)
    return acc
print(default_list(1), default_list(2))
def kw(a, *, b=2, **rest):
    return a, b, sorted(rest.items())
print(kw(1, c=3, b=4, d=5))
def varargs(*a):
    return type(a).__name__, len(a)
print(varargs(), varargs(1, 2))
try:
    def bad():
        return undefined_in_function
    bad()
except NameError as e:
    print(e)
def shadow_builtin():
    len = lambda x: 42
    return len([1])
print(shadow_builtin(), len([1]))
