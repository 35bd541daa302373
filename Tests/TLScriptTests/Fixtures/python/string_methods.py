# String methods notebooks use.
s = '  Hello, World  '
print(repr(s.strip()), repr(s.lstrip()), repr(s.rstrip()), 'xxhixx'.strip('x'))
print('a,b,,c'.split(','), 'a b  c'.split(), 'a,b,c'.split(',', 1), 'a b c'.rsplit(None, 1))
print('-'.join(['x', 'y', 'z']), ''.join(c for c in 'abc'), ', '.join(map(str, [1, 2])))
print('file.png'.endswith(('.png', '.jpg')), 'cat.1.jpg'.startswith('cat'), 'abc'.upper(), 'ABC'.lower())
print('a-b-c'.replace('-', '+'), 'a-b-c'.replace('-', '', 1), 'hello'.find('l'), 'hello'.rfind('l'), 'hello'.find('z'))
print('hello'.count('l'), 'hello world'.title(), 'hello'.capitalize(), '42'.isdigit(), 'ab'.isalpha(), ' '.isspace())
print('7'.zfill(3), '-7'.zfill(4), 'ab'.center(7, '*'), 'ab'.ljust(4) + '|', 'ab'.rjust(4), 'abc'.center(6))
print('key=value'.partition('='), 'a.b.c'.rpartition('.'), 'line1\nline2\n'.splitlines())
print('Hello'[1:4], 'Hello'[::-1], 'Hello'[-1], len('Hello'), 'ab' * 3, 'x' + 'y')
print('{} and {}'.format('a', 'b'), 'cat' < 'dog', 'abc'.index('c'), 'prefix_name'.removeprefix('prefix_'))
print(str(1.0), str([1, 'a']), repr('it\'s'), repr("say \"hi\""), str(None), chr(65), ord('a'))
'abc'.index('z')
