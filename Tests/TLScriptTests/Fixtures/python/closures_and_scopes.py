# Closures (late binding), global and nonlocal.
def make_counter():
    count = 0
    def increment(step=1):
        nonlocal count
        count += step
        return count
    return increment
counter = make_counter()
counter()
counter(5)
print(counter())
def make_adders():
    return [lambda x: x + i for i in range(3)]
print([adder(10) for adder in make_adders()])
def make_adders_bound():
    return [lambda x, i=i: x + i for i in range(3)]
print([adder(10) for adder in make_adders_bound()])
total = 0
def add_to_total(n):
    global total
    total += n
add_to_total(3)
add_to_total(4)
print(total)
def outer():
    message = 'before'
    def show():
        return message
    message = 'after'
    return show()
print(outer())
def power(exponent):
    return lambda base: base ** exponent
square, cube = power(2), power(3)
print(square(4), cube(2))
history = []
def record(value):
    history.append(value)
record(1)
record(2)
print(history)
x = 'global'
def shadow():
    x = 'local'
    return x
print(shadow(), x)
def broken():
    print(y)
    y = 1
broken()
