# try/except by Python names, tuples of classes, as e, else, finally, raise, re-raise.
def divide(a, b):
    try:
        result = a / b
    except ZeroDivisionError as e:
        print('caught:', e)
        return None
    else:
        print('no error')
        return result
    finally:
        print('finally runs')

print(divide(1, 2))
print(divide(1, 0))
for bad in ['x', [1], {}]:
    try:
        if bad == 'x':
            int(bad)
        elif bad == [1]:
            bad[5]
        else:
            bad['missing']
    except (ValueError, IndexError) as e:
        print(type(e).__name__, str(e))
    except KeyError as e:
        print('KeyError', e, repr(str(e)))
try:
    raise ValueError('bad value', 3)
except Exception as e:
    print(repr(e), e.args, isinstance(e, ValueError), isinstance(e, LookupError))
try:
    try:
        [][0]
    except IndexError:
        print('inner')
        raise
except LookupError as e:
    print('outer got', e)
try:
    raise KeyError('k')
except LookupError as e:
    print('lookup', e)
try:
    assert 1 + 1 == 3, 'math is broken'
except AssertionError as e:
    print('assert:', e)
try:
    None + 1
except TypeError as e:
    print('type error')
try:
    undefined_name
except NameError:
    print('name error')
try:
    import_me = {}['x']
except Exception:
    print('generic')
finally:
    print('done')
def check(x):
    if x < 0:
        raise ValueError(f"negative: {x}")
    return x
try:
    check(-2)
except ValueError as err:
    print(err)
try:
    next(iter([]))
except StopIteration:
    print('stop')
count = 0
while True:
    try:
        count += 1
        if count > 2:
            break
    finally:
        print('loop finally', count)
print(float('inf') > 1e308)
try:
    try:
        pass
    except ValueError:
        print('not here')
    else:
        raise ValueError('from else')
except ValueError as e:
    print('outer caught', e)
def early():
    for i in range(3):
        try:
            return i
        except KeyError:
            pass
        else:
            print('skipped')
        finally:
            print('finally with return', i)
print(early())
raise RuntimeError('the end')
