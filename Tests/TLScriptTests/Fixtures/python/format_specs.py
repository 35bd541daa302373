# The format mini-language over many values and specs, format() and % formatting, as CPython prints them.
vals = [0, 1, -1, 0.5, -0.5, 1.5, 2.5, 1e-5, 123456.789, 1e20, -1e-20, 3.14159265, 100, 1234567890]
specs = ['', '.2f', '.0f', '>10', '<8', '^9', '+', ' ', '010.3f', ',', '_', '.3e', '.2g', 'g', '.1%', '%', 'e', 'E', 'G', '.10g', '#.3g', '08.2f', '=+10.2f', '*^12.1f', '.0e', '.0%']
for v in vals:
    row = []
    for s in specs:
        try:
            row.append(format(v, s))
        except Exception as e:
            row.append(type(e).__name__)
    print(' | '.join(row))
ints = [0, 7, -42, 255, 1 << 40]
for v in ints:
    row = []
    for s in ['d', 'x', 'X', '#x', 'o', '#o', 'b', '#b', '08d', '+d', ',d', '_x', 'c', 'n', '>6', '<6', '^6', '06', '=6']:
        try:
            row.append(format(v, s))
        except Exception as e:
            row.append(type(e).__name__)
    print(' | '.join(row))
for s in ['', '>5', '<5', '^5', '.2', '5.1', 's']:
    print(repr(format('abc', s)), repr(format(True, s)) if s in ('', '>5') else '')
print('%5s|%-5s|%.1s|%r|%a' % ('ab', 'cd', 'ef', 'g', 'h'))
print('%3d|%-3d|%03d|%+d|% d|%x|%X|%#x|%o|%#o|%e|%E|%g|%G|%.3g|%10.4f|%-10.2e|' % (5, 5, 5, 5, 5, 255, 255, 255, 8, 8, 12345.6789, 0.00012, 1e-5, 1e20, 3.14159, 2.5, 31415.9))
print('%c%c' % (72, 'i'), '%%', '%5.1f%%' % 12.345, '%(x)s-%(y)05.1f' % {'x': 'a', 'y': 2.25})
print('{:*>+9.2f}|{:<+5d}|{:^#10x}|{:,.3f}|{:>{}}|{:.{}f}'.format(3.14159, 7, 255, 1234567.891, 'r', 6, 2.5, 1))
print('{0:{1}.{2}f}|{name!r:>8}|{0!s:<6}|'.format(3.14159, 10, 3, name='tl'))
