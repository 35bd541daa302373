/// A pickle virtual machine restricted to what `torch.save` writes for a state_dict.
///
/// It never executes Python: GLOBAL names are checked against ``TorchGlobal``'s short list when they
/// are read, and REDUCE / NEWOBJ / BUILD only apply those known constructors.
struct PickleMachine {
    let path: String
    /// Resolves a persistent id (BINPERSID) to a storage; the two checkpoint formats spell ids differently.
    let persistentLoad: (PickleValue) throws -> PickleValue

    private var stack: [PickleValue] = []
    private var marks: [Int] = []
    private var memo: [Int: PickleValue] = [:]

    init(path: String, persistentLoad: @escaping (PickleValue) throws -> PickleValue) {
        self.path = path
        self.persistentLoad = persistentLoad
    }

    /// Runs one pickle from `reader`'s position to its STOP and returns the object it builds.
    mutating func load(from reader: inout ByteReader) throws -> PickleValue {
        stack = []; marks = []; memo = [:]
        while true {
            let position = reader.offset
            let byte = try reader.readByte()
            guard let opcode = PickleOpcode(rawValue: byte) else {
                throw TorchCheckpointError.unsupportedOpcode(path: path, opcode: byte, offset: position)
            }
            if opcode == .stop { return try pop() }
            try execute(opcode, reader: &reader)
        }
    }

    /// One opcode: a literal pushed, a container built or filled, or the machine's own bookkeeping
    /// (protocol, marks, memo, globals and the calls of the known constructors).
    private mutating func execute(_ opcode: PickleOpcode, reader: inout ByteReader) throws {
        if let value = try literal(opcode, reader: &reader) {
            stack.append(value)
            return
        }
        if try buildContainer(opcode) { return }
        switch opcode {
        case .proto:
            let version = try reader.readByte()
            guard version <= 5 else { throw malformed("pickle protocol \(version) is newer than 5") }
        case .frame: _ = try reader.read(8)
        case .mark: marks.append(stack.count)
        case .pop: _ = try pop()
        case .popMark: _ = try popToMark()
        case .dup: stack.append(try top())
        case .binPut: memo[Int(try reader.readByte())] = try top()
        case .longBinPut: memo[Int(try reader.readLittleEndian(UInt32.self))] = try top()
        case .memoize: memo[memo.count] = try top()
        case .binGet: stack.append(try recall(Int(try reader.readByte())))
        case .longBinGet: stack.append(try recall(Int(try reader.readLittleEndian(UInt32.self))))
        case .global:
            let module = try reader.readLine(), name = try reader.readLine()
            stack.append(.global(try resolve(module: module, name: name)))
        case .stackGlobal:
            guard case let .string(name) = try pop(), case let .string(module) = try pop() else {
                throw malformed("STACK_GLOBAL needs a module and a name")
            }
            stack.append(.global(try resolve(module: module, name: name)))
        case .reduce, .newObject:
            let arguments = try pop()
            guard let items = arguments.sequence else { throw malformed("call arguments are a \(arguments.typeName), not a tuple") }
            guard case let .global(callable) = try pop() else { throw malformed("REDUCE applied to something that is not a known callable") }
            stack.append(try callable.call(items, path: path))
        case .build:
            // State dicts carry `_metadata` (module versions) as OrderedDict state; parameters may carry
            // Python attributes. Neither changes the tensors, so the state is dropped.
            _ = try pop()
            switch try top() {
            case .dict, .tensor: break
            case let other: throw malformed("BUILD on a \(other.typeName)")
            }
        case .binPersistentID:
            stack.append(try persistentLoad(try pop()))
        default: break   // STOP ends `load` before it gets here; literals and containers are done above.
        }
    }

    /// The value a literal opcode pushes (None, booleans, integers, floats, strings, bytes); nil for other opcodes.
    private func literal(_ opcode: PickleOpcode, reader: inout ByteReader) throws -> PickleValue? {
        switch opcode {
        case .none: return PickleValue.none
        case .newTrue: return .bool(true)
        case .newFalse: return .bool(false)
        case .binInt: return .int(Int(try reader.readLittleEndian(Int32.self)))
        case .binInt1: return .int(Int(try reader.readByte()))
        case .binInt2: return .int(Int(try reader.readLittleEndian(UInt16.self)))
        case .long1: return Self.long(try reader.read(Int(try reader.readByte())))
        case .long4: return Self.long(try reader.read(try length(Int(try reader.readLittleEndian(Int32.self)))))
        case .binFloat: return .float(Double(bitPattern: UInt64(bigEndian: try reader.readLittleEndian(UInt64.self))))
        case .binUnicode: return .string(try text(&reader, Int(try reader.readLittleEndian(UInt32.self))))
        case .binUnicode8: return .string(try text(&reader, try length(Int(try reader.readLittleEndian(Int64.self)))))
        case .shortBinUnicode, .shortBinString: return .string(try text(&reader, Int(try reader.readByte())))
        case .binString: return .string(try text(&reader, try length(Int(try reader.readLittleEndian(Int32.self)))))
        case .shortBinBytes: return .bytes(Array(try reader.read(Int(try reader.readByte()))))
        case .binBytes: return .bytes(Array(try reader.read(Int(try reader.readLittleEndian(UInt32.self)))))
        case .binBytes8: return .bytes(Array(try reader.read(try length(Int(try reader.readLittleEndian(Int64.self))))))
        default: return nil
        }
    }

    /// Builds or fills a tuple, list, set or dict; false for opcodes that are not about containers.
    private mutating func buildContainer(_ opcode: PickleOpcode) throws -> Bool {
        switch opcode {
        case .emptyTuple: stack.append(.tuple([]))
        case .tuple1, .tuple2, .tuple3:
            let count = Int(opcode.rawValue - PickleOpcode.tuple1.rawValue) + 1
            guard stack.count >= count else { throw malformed("a tuple of \(count) needs \(count) items on the stack") }
            let items = Array(stack.suffix(count))
            stack.removeLast(count)
            stack.append(.tuple(items))
        case .tuple: stack.append(.tuple(try popToMark()))
        case .emptyList, .emptySet: stack.append(.list(PickleList()))
        case .list, .frozenSet: stack.append(.list(PickleList(try popToMark())))
        case .append:
            let item = try pop()
            try list(top()).items.append(item)
        case .appends, .addItems:
            let items = try popToMark()
            try list(top()).items.append(contentsOf: items)
        case .emptyDict: stack.append(.dict(PickleDict()))
        case .dict:
            let dict = PickleDict()
            try setItems(try popToMark(), in: dict)
            stack.append(.dict(dict))
        case .setItem:
            let value = try pop(), key = try pop()
            try dictionary(top()).set(key, value)
        case .setItems:
            let items = try popToMark()
            try setItems(items, in: try dictionary(top()))
        default: return false
        }
        return true
    }

    // MARK: - Stack helpers

    private mutating func pop() throws -> PickleValue {
        guard let value = stack.popLast() else { throw malformed("the pickle pops from an empty stack") }
        if let mark = marks.last, stack.count < mark { throw malformed("the pickle pops past a mark") }
        return value
    }

    private func top() throws -> PickleValue {
        guard let value = stack.last else { throw malformed("the pickle reads an empty stack") }
        return value
    }

    private mutating func popToMark() throws -> [PickleValue] {
        guard let mark = marks.popLast(), mark <= stack.count else { throw malformed("the pickle uses a mark it never set") }
        let items = Array(stack[mark...])
        stack.removeSubrange(mark...)
        return items
    }

    private func recall(_ index: Int) throws -> PickleValue {
        guard let value = memo[index] else { throw malformed("the pickle recalls memo entry \(index), which was never stored") }
        return value
    }

    private func list(_ value: PickleValue) throws -> PickleList {
        guard case let .list(list) = value else { throw malformed("APPEND to a \(value.typeName)") }
        return list
    }

    private func dictionary(_ value: PickleValue) throws -> PickleDict {
        guard case let .dict(dict) = value else { throw malformed("SETITEM on a \(value.typeName)") }
        return dict
    }

    private func setItems(_ items: [PickleValue], in dict: PickleDict) throws {
        guard items.count % 2 == 0 else { throw malformed("SETITEMS with an odd number of items") }
        for index in stride(from: 0, to: items.count, by: 2) { dict.set(items[index], items[index + 1]) }
    }

    private func resolve(module: String, name: String) throws -> TorchGlobal {
        guard let global = TorchGlobal(module: module, name: name) else {
            throw TorchCheckpointError.refusedGlobal(path: path, global: module + "." + name)
        }
        return global
    }

    private func text(_ reader: inout ByteReader, _ count: Int) throws -> String {
        String(decoding: try reader.read(count), as: UTF8.self)
    }

    private func length(_ count: Int) throws -> Int {
        guard count >= 0 else { throw malformed("a negative length \(count)") }
        return count
    }

    private func malformed(_ reason: String) -> TorchCheckpointError {
        .malformed(path: path, reason: "its pickle is invalid: " + reason)
    }

    /// A little-endian two's-complement integer (LONG1 / LONG4).
    static func long(_ bytes: ArraySlice<UInt8>) -> PickleValue {
        guard bytes.count <= 8 else { return .bigInt(Array(bytes)) }
        guard let last = bytes.last else { return .int(0) }
        // Sign-extend from the top byte.
        var value: Int = last >= 0x80 ? -1 : 0
        for byte in bytes.reversed() { value = value << 8 | Int(byte) }
        return .int(value)
    }
}
