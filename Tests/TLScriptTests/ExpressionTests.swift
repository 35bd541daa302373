import XCTest
@testable import TLScript

final class ExpressionTests: XCTestCase {
    func testNumbersFollowPython() {
        XCTAssertEqual(output(of: "print(2e-5, 1./255, 150, .5, 7 / 2, 7 // 2, -7 // 2, -7 % 3, 2 ** 10, 2 ** -1, 1_000)"),
                       "2e-05 0.00392156862745098 150 0.5 3.5 3 -4 2 1024 0.5 1000\n")
        XCTAssertEqual(output(of: "print(1.0, 0.1 + 0.2, 1e16, 1e15, 123.456, -0.0, 3 * 1.5, 0x10)"),
                       "1.0 0.30000000000000004 1e+16 1000000000000000.0 123.456 -0.0 4.5 16\n")
    }

    func testStringsListsAndOperators() {
        XCTAssertEqual(output(of: #"""
        print('a' + "b", 'ab' * 3, [1] + [2], (1,) + (2,), 'it\'s', "tab\tend", 'x' 'y')
        print(repr('it\'s'), repr("q"), [None, True, 'a'], {'a': 1.5}, (1,), ())
        print('''triple
        quoted''', r'\n')
        """#), "ab ababab [1, 2] (1, 2) it's tab\tend xy\n\"it's\" 'q' [None, True, 'a'] {'a': 1.5} (1,) ()\ntriple\nquoted \\n\n")
    }

    func testIndexingAndSlicing() {
        XCTAssertEqual(output(of: """
        x = [0, 1, 2, 3, 4, 5, 6]
        print(x[:5], x[-1], x[2:4], x[::2], x[::-1][:2], 'hello'[1:3], (1, 2, 3)[1:])
        """), "[0, 1, 2, 3, 4] 6 [2, 3] [0, 2, 4, 6] [6, 5] el (2, 3)\n")
    }

    func testComparisonsLogicAndMembership() {
        XCTAssertEqual(output(of: """
        print(1 < 2 < 3, 1 < 3 < 2, 1 == 1.0, 'a' != 'b', not 0, 0 or 'x', 1 and 2, 2 in [1, 2], 'c' not in 'abc')
        print(None is None, 1 if 0 else 2, [1, 2] < [1, 3], 'acc' in {'acc': 1})
        """), "True False True True True x 2 True False\nTrue 2 True True\n")
    }

    func testBooleanSpellings() {
        XCTAssertEqual(output(of: "print(true, false, none, True, False, None)"), "True False None True False None\n")
    }

    func testMethodsOnBuiltinValues() {
        XCTAssertEqual(output(of: """
        xs = [3, 1]
        xs.append(2)
        xs.extend([5])
        xs.sort()
        d = {'b': 2}
        d.update({'a': 1})
        print(xs, xs.pop(), xs, d.keys(), d.get('z', 0), 'A,B'.lower().split(','), '-'.join(['a', 'b']))
        print('{} has {:.2f} acc, {:>5}|{:,}'.format('model', 0.91234, 'x', 1234567), '%.3f and %d%%' % (0.5, 7))
        """), "[1, 2, 3] 5 [1, 2, 3] dict_keys(['b', 'a']) 0 ['a', 'b'] a-b\nmodel has 0.91 acc,     x|1,234,567 0.500 and 7%\n")
    }
}
