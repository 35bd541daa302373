#!/usr/bin/env python3
"""Records what CPython prints for each fixture program of Tests/TLScriptTests/Fixtures/python.

For every NAME.py it writes NAME.stdout (everything printed) and, when the program ends with an
uncaught exception, NAME.error holding "ExceptionClass: message" (the last line of Python's traceback).
PythonFixtureTests runs the same programs through tl's interpreter and compares. Run it again after
adding or changing a fixture: python3 scripts/make_python_fixtures.py
"""
import pathlib
import subprocess
import sys

FIXTURES = pathlib.Path(__file__).resolve().parent.parent / "Tests" / "TLScriptTests" / "Fixtures" / "python"


def record(program: pathlib.Path) -> None:
    # Bytes, not text: text mode would turn a printed "\r" into "\n" (universal newlines).
    completed = subprocess.run([sys.executable, program.name], cwd=program.parent, capture_output=True, timeout=60)
    program.with_suffix(".stdout").write_bytes(completed.stdout)
    error_file = program.with_suffix(".error")
    if completed.returncode != 0:
        lines = [line for line in completed.stderr.decode().splitlines() if line.strip()]
        error_file.write_text(lines[-1] + "\n")
    elif error_file.exists():
        error_file.unlink()


def main() -> None:
    programs = sorted(FIXTURES.glob("*.py"))
    for program in programs:
        record(program)
        print(f"recorded {program.name}")
    if not programs:
        sys.exit(f"no fixtures in {FIXTURES}")


if __name__ == "__main__":
    main()
