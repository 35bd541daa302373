import TLScript

extension Session {
    func registerDataCommands() {}
}
