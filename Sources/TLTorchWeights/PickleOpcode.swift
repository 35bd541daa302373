/// The pickle opcodes tl's unpickler understands (Python's `pickletools` documents them all).
/// State dicts written by `torch.save` (protocol 2) need the binary ones; the few text forms of
/// protocols 0 and 1 that cost nothing are accepted too.
enum PickleOpcode: UInt8 {
    case mark = 0x28            // (  push a mark
    case stop = 0x2E            // .  end; the top of the stack is the result
    case pop = 0x30             // 0
    case popMark = 0x31         // 1  discard up to the last mark
    case dup = 0x32             // 2
    case binInt = 0x4A          // J  4-byte signed
    case binInt1 = 0x4B         // K  1-byte unsigned
    case binInt2 = 0x4D         // M  2-byte unsigned
    case none = 0x4E            // N
    case binPersistentID = 0x51 // Q  persistent id from the stack (torch storages)
    case reduce = 0x52          // R  callable(*args)
    case binString = 0x54       // T  Python 2 str, 4-byte length
    case shortBinString = 0x55  // U  Python 2 str, 1-byte length
    case binUnicode = 0x58      // X  UTF-8, 4-byte length
    case append = 0x61          // a
    case build = 0x62           // b  obj.__setstate__(state)
    case global = 0x63          // c  "module\nname\n"
    case dict = 0x64            // d  dict from mark
    case emptyDict = 0x7D       // }
    case appends = 0x65         // e
    case binGet = 0x68          // h  1-byte memo index
    case longBinGet = 0x6A      // j  4-byte memo index
    case list = 0x6C            // l  list from mark
    case emptyList = 0x5D       // ]
    case binPut = 0x71          // q  1-byte memo index
    case longBinPut = 0x72      // r  4-byte memo index
    case setItem = 0x73         // s
    case tuple = 0x74           // t  tuple from mark
    case emptyTuple = 0x29      // )
    case setItems = 0x75        // u
    case binFloat = 0x47        // G  8-byte big-endian double
    case shortBinBytes = 0x43   // C
    case binBytes = 0x42        // B
    case proto = 0x80           // protocol number
    case newObject = 0x81       // cls.__new__(cls, *args)
    case tuple1 = 0x85
    case tuple2 = 0x86
    case tuple3 = 0x87
    case newTrue = 0x88
    case newFalse = 0x89
    case long1 = 0x8A           // 1-byte length, little-endian two's complement
    case long4 = 0x8B           // 4-byte length
    case shortBinUnicode = 0x8C // 1-byte length
    case binUnicode8 = 0x8D     // 8-byte length
    case binBytes8 = 0x8E
    case emptySet = 0x8F
    case addItems = 0x90
    case frozenSet = 0x91
    case stackGlobal = 0x93     // module and name from the stack
    case memoize = 0x94         // memo[len(memo)] = top
    case frame = 0x95           // 8-byte frame length; framing is only a hint for buffered readers
}
