#!/usr/bin/env python3
"""Compiles every ```cpp block of README.md against the library's public headers.

Run by ctest (readme.snippets) with the settings CMake generated (compiler, flags, link line):

    check_snippets.py SETTINGS.json README.md OUT_DIR

A block is, by default, a whole program: compiled and linked with the library. An HTML comment
ending on the line just above the fence (invisible on GitHub) says otherwise:

    <!-- snippet: fragment         statements, wrapped in a function; compiled, not linked
    <!-- snippet: coroutine        statements with co_await, wrapped in an asio::awaitable<void>
    <!-- snippet: skip REASON -->  not compiled (keep these rare: the reason is printed)

After `fragment` or `coroutine`, the comment's further lines (up to `-->`) are a prelude put at
file scope before the wrapper: the includes and declarations the fragment assumes.

Exit 1, naming each block by its README line, if any block does not compile (or link).
"""
import json
import pathlib
import re
import subprocess
import sys


def blocks(lines):
    """Yields (line number of the fence, mode, prelude, code)."""
    comment, comment_end, i = None, -1, 0
    while i < len(lines):
        line = lines[i]
        m = re.match(r"^<!-- snippet:(.*)$", line)
        if m:
            start = i
            text = [m.group(1)]
            while "-->" not in text[-1]:
                i += 1
                if i == len(lines):
                    raise SystemExit(f"README.md:{start + 1}: unterminated snippet comment")
                text.append(lines[i])
            text[-1] = text[-1][: text[-1].index("-->")]
            comment, comment_end = text, i
        elif re.match(r"^```cpp\s*$", line):
            fence = i
            code = []
            i += 1
            while i < len(lines) and not re.match(r"^```\s*$", lines[i]):
                code.append(lines[i])
                i += 1
            mode, prelude = "program", ""
            if comment is not None and comment_end == fence - 1:
                mode = comment[0].strip()
                prelude = "\n".join(comment[1:])
            yield fence + 1, mode, prelude, code
        i += 1


def main():
    settings = json.loads(pathlib.Path(sys.argv[1]).read_text())
    readme = pathlib.Path(sys.argv[2])
    out = pathlib.Path(sys.argv[3])
    out.mkdir(parents=True, exist_ok=True)
    lines = readme.read_text(encoding="utf-8").split("\n")
    failed, checked, skipped = [], 0, 0
    for line, mode, prelude, code in blocks(lines):
        first = line + 1  # the README line of the block's first line of code
        body = "\n".join(code)
        src = out / f"readme_line_{line}.cpp"
        if mode.startswith("skip"):
            print(f"README.md:{line}: skipped ({mode})")
            skipped += 1
            continue
        if mode == "program":
            src.write_text(f'#line {first} "{readme}"\n{body}\n')
            cmd = [settings["cxx"], *settings["flags"], str(src), "-o", str(out / src.stem), *settings["link"]]
        elif mode in ("fragment", "coroutine"):
            ret = "boost::asio::awaitable<void>" if mode == "coroutine" else "void"
            head = "#include <boost/asio/awaitable.hpp>\n" if mode == "coroutine" else ""
            src.write_text(f"{head}{prelude}\n[[maybe_unused]] static {ret} readme_snippet() {{\n"
                           f'#line {first} "{readme}"\n{body}\n}}\n')
            cmd = [settings["cxx"], *settings["flags"], "-c", str(src), "-o", str(out / (src.stem + ".o"))]
        else:
            raise SystemExit(f"README.md:{line}: unknown snippet mode '{mode}'")
        checked += 1
        r = subprocess.run(cmd, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        if r.returncode == 0:
            print(f"README.md:{line}: {mode} ok" + (f"\n{r.stdout}" if r.stdout.strip() else ""))
        else:
            print(f"README.md:{line}: {mode} does NOT compile ({src}):\n{r.stdout}")
            failed.append(line)
    print(f"{checked} README snippets compiled, {skipped} skipped")
    if checked == 0:
        print("no ```cpp block found")
        return 1
    if failed:
        print("README snippets that do not compile: line(s) " + ", ".join(map(str, failed)))
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
