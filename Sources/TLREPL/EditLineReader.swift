import CEditLine
import Foundation
import Glibc

/// The completer consulted by libedit's C callback, which cannot capture Swift context.
nonisolated(unsafe) private var activeCompleter: Completer?
nonisolated(unsafe) private var pendingMatches: [String] = []

/// Line editing with libedit's readline interface: history (up arrow), tab completion, Ctrl-D to quit.
final class EditLineReader: LineReader {
    private let history: HistoryFile?
    private var lastEntry: String?
    /// Reports a history file that cannot be written, once per session.
    private let warn: (String) -> Void
    private var warnedAboutHistory = false

    init(input: UnsafeMutablePointer<FILE>, output: UnsafeMutablePointer<FILE>, completer: Completer,
         history: HistoryFile?, warn: @escaping (String) -> Void) {
        self.history = history
        self.warn = warn
        // libedit decodes typed and pasted bytes by LC_CTYPE; in the C locale it drops every non-ASCII
        // character ("héllo" -> "hllo"). tl's text is UTF-8, so the line editor reads UTF-8 whatever the
        // environment's locale says.
        if setlocale(LC_CTYPE, "") == nil || String(cString: nl_langinfo(nl_item(CODESET))) != "UTF-8" {
            setlocale(LC_CTYPE, "C.UTF-8")
        }
        rl_instream = input
        rl_outstream = output
        rl_readline_name = UnsafePointer(strdup("tl"))
        // Words end at operators and brackets too, so `[hist.h`, `f(a,mo` and `"path/fi` complete their
        // last part; not at `/`, `-`, `~` and `.`, which belong to paths and attribute chains.
        rl_basic_word_break_characters = UnsafePointer(strdup(" \t\n\"\\'`@$><=;|&{([,)]}+*%:!^"))
        // Our SIGINT handler decides what Ctrl-C means; libedit must not install its own.
        rl_catch_signals = 0
        activeCompleter = completer
        rl_attempted_completion_function = { text, start, _ in
            rl_attempted_completion_over = 1
            rl_completion_append_character = 0
            guard let text, let completer = activeCompleter else { return nil }
            let prefix = rl_line_buffer.map { String(decoding: UnsafeRawBufferPointer(start: $0, count: Int(start)).bindMemory(to: UInt8.self), as: UTF8.self) } ?? ""
            pendingMatches = completer.candidates(for: String(cString: text), after: prefix)
            return rl_completion_matches(text) { _, state in
                if state == 0 { pendingMatches.reverse() }
                guard let next = pendingMatches.popLast() else { return nil }
                return strdup(next)
            }
        }
        // A Ctrl-D typed while a statement runs reaches the terminal in canonical mode, where the
        // kernel stores it as an end-of-file marker that reads back as a NUL byte once libedit switches
        // to character mode. libedit binds NUL to "quoted insert" (its disabled literal-next key), so
        // that lone NUL would make the next key, even Ctrl-D or Ctrl-C, be inserted literally. Every
        // readline() call redoes the terminal bindings, so NUL is rebound just after, to Emacs's
        // harmless set-mark (as GNU readline has it).
        rl_pre_input_hook = {
            _ = rl_parse_and_bind("bind ^@ em-set-mark")
            return 0
        }
        // Re-initialise so these streams are used even if an earlier session initialised libedit.
        rl_initialize()
        using_history()
        clear_history()
        if let history {
            let entries = history.load()
            stifle_history(Int32(clamping: max(history.limit, 1)))
            for entry in entries { add_history(entry) }
            lastEntry = entries.last
        }
    }

    deinit {
        activeCompleter = nil
    }

    func readLine(prompt: String) -> LineReadResult {
        SignalHandling.editInterrupted.store(false, ordering: .relaxed)
        guard let line = readline(prompt) else {
            return SignalHandling.editInterrupted.load(ordering: .relaxed) ? .interrupted : .endOfInput
        }
        defer { free(line) }
        return .line(String(cString: line))
    }

    func addHistory(_ entry: String) {
        guard !entry.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, entry != lastEntry else { return }
        lastEntry = entry
        add_history(entry)
        guard let history else { return }
        do {
            try history.append(entry)
        } catch {
            if !warnedAboutHistory { warn("warning: \(error); this session's history will not be kept\n") }
            warnedAboutHistory = true
        }
    }
}
