# f-strings: specs, nested fields, conversions, debugging '=', escapes.
acc = 0.912345
name = 'vgg16'
epochs = 30
print(f"{acc:.3f} {acc:.1%} {epochs:04d} {name:>10}| {name:<8}| {name:^9}|")
print(f"{name!r} {name!s} {[1, 'a']!r} {3.0}")
width, digits = 10, 2
print(f"[{acc:{width}.{digits}f}] [{acc:>{width}}]")
print(f"{{literal}} {epochs * 2} {'nested' + '!'} {len(name)}")
print(f"{acc=}", f"{epochs = }")
print(f"{1234567:,} {1234567.891:,.2f} {-42:+d} {42:+d} {255:x} {255:#X} {5:b} {8:o}")
print(f"{0.000012345:e} {123456789.0:g} {1e16} {1.5:g} {float('inf'):.2f} {-0.0}")
print(f"{'left':*<10}{'right':*>10}{'mid':-^11}")
d = {'loss': 0.25}
print(f"loss: {d['loss']:.2f}", f'{"quoted"}')
print(f"{True} {None} {True:>6} {3:5} {'x':5}|")
print(f"a" "b" f"{1 + 1}")
