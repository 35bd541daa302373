/// Keras's `width_shift_range` / `height_shift_range` and how `get_random_transform` draws a shift from
/// it, including NumPy's quirks:
///
/// - a float f: `uniform(-f, f)`; a fraction of the side when f < 1, else pixels;
/// - an int n: `choice(n)` picks from `0..<n` (so at most n-1 pixels), times `choice([-1, 1])`;
/// - a list: `choice(list)` times `choice([-1, 1])`; fractions of the side when every value is < 1.
///
/// A zero float or int, or an empty list, draws nothing (Keras tests the range's truth value).
public enum ShiftRange: Equatable, Sendable {
    case uniform(Double)
    case integer(Int)
    case choices([Double])

    public static let none = ShiftRange.uniform(0)

    /// Checks the range; `argument` names it in errors ("width_shift_range").
    public func validated(argument: String) throws -> ShiftRange {
        switch self {
        case .uniform(let f):
            guard f.isFinite else { throw AugmentationError.notFinite(argument: argument, value: f) }
            guard f >= 0 else { throw AugmentationError.negativeRange(argument: argument, value: f) }
        case .integer(let n):
            guard n >= 0 else { throw AugmentationError.negativeRange(argument: argument, value: Double(n)) }
        case .choices(let values):
            guard !values.isEmpty else { throw AugmentationError.emptyShiftChoices(argument: argument) }
            if let bad = values.first(where: { !$0.isFinite }) {
                throw AugmentationError.notFinite(argument: argument, value: bad)
            }
        }
        return self
    }

    /// Whether Keras draws from this range at all (`if self.width_shift_range:`).
    public var isActive: Bool {
        switch self {
        case .uniform(let f): return f != 0
        case .integer(let n): return n != 0
        case .choices(let values): return !values.isEmpty
        }
    }

    /// One shift in pixels along a side of `size` pixels, drawn as Keras draws it.
    public func draw(size: Int, random: inout MersenneTwister) -> Double {
        var shift: Double
        let largest: Double
        switch self {
        case .uniform(let f):
            shift = random.uniform(-f, f)
            largest = f
        case .integer(let n):
            shift = Double(random.randomInterval(n - 1))  // np.random.choice(n) = randint(0, n)
            shift *= random.randomInterval(1) == 0 ? -1 : 1  // np.random.choice([-1, 1])
            largest = Double(n)
        case .choices(let values):
            shift = values[random.randomInterval(values.count - 1)]
            shift *= random.randomInterval(1) == 0 ? -1 : 1
            largest = values.max()!
        }
        if largest < 1 { shift *= Double(size) }
        return shift
    }
}
