import Foundation
import TLLang
import TLREPL

/// The interactive prompt: libedit line editing on a terminal, plain reads from a pipe.
func runInteractive(_ session: Session) -> Int32 {
    let banner = """
        tl — transfer learning on small image sets. help() lists the commands, help("fit") explains one.
        Ctrl-C cancels a line or stops a running command at its next batch (twice within a second: at once); Ctrl-D quits.
        """
    return runREPL(interpreter: session.interpreter, banner: banner)
}
