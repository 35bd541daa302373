import TLScript

extension Session {
    /// Names from the walkthrough's Python that mean the same as a tl command and are not already
    /// registered as aliases of their command.
    func registerKerasAliases() {
        let aliases: [(String, String)] = [
            ("os.path.join", "join_path"),
            ("model.fit_generator", "fit_generator"),
        ]
        for (alias, name) in aliases where interpreter.command(named: name) != nil {
            interpreter.register(alias: alias, for: name)
        }
    }
}
