"""Inputs that are not ordinary Python files: each gives a clear result, never a traceback."""

from __future__ import annotations

import os
import pathlib
import sys

import pytest
from conftest import (
    HIGH_SGD,
    LOW_SGD,
    diagnostics,
    found,
    reported_codes,
    run_module,
    text_lines,
    with_training_loop,
    write,
)
from lanes import fast_share

from warmlint.engine.lint import check_source

DEEP = 1000


def only_wl000(source: bytes | str):
    result = check_source(source, "bad.py")
    assert result.error is None
    assert [d.code for d in result.diagnostics] == ["WL000"], result.diagnostics
    diagnostic = result.diagnostics[0]
    assert diagnostic.message.startswith("cannot parse: ")
    assert len(diagnostic.message) > len("cannot parse: ") + 3  # there is a reason
    assert "\n" not in diagnostic.message
    assert diagnostic.severity.value == "error"
    return diagnostic


def no_traceback(result) -> None:
    text = result.stdout + result.stderr
    text = text.decode(errors="replace") if isinstance(text, bytes) else text
    assert "Traceback" not in text
    assert "internal error" not in text


# ---- syntax errors ---------------------------------------------------------------


def test_syntax_error_gives_one_wl000_with_line_and_reason():
    source = "import torch\nopt = torch.optim.SGD(m.parameters(), lr=0.1)\nx = = 3\ny = 4\n"
    diagnostic = only_wl000(source)
    assert diagnostic.line == 3
    assert diagnostic.name == "syntax-error"


def test_python2_print_is_a_syntax_error():
    diagnostic = only_wl000(b'import torch\nprint "training"\nx = 1\n')
    assert diagnostic.line == 2


@pytest.mark.parametrize(
    "source",
    [
        "def f(:\n    pass\n",
        "x = (\n",
        "class A:\npass\n",
        "a = 1\n  b = 2\n",
        "for in x:\n    pass\n",
        "x = 1 +\ny = 2\n",
        "a = 1\nif a\n    pass\n",
    ],
)
def test_syntax_error_position_is_inside_the_file(source):
    diagnostic = only_wl000(source)
    assert 1 <= diagnostic.line <= len(source.splitlines())
    assert diagnostic.column >= 1 and diagnostic.span.end_column >= diagnostic.column


@pytest.mark.parametrize(
    ("source", "line"),
    [
        ("import torch\nif torch\n    pass\n", 2),
        ("import torch\ndef broken(:\n    pass\n", 2),
        ("for in range(3):\n    pass\n", 1),
        ("a = 1\nb = [1, 2\nc = 3\n", 2),
        ("import torch\nx = 1 +\ny = 2\n", 2),
    ],
)
def test_syntax_error_line_is_the_line_of_the_mistake(source, line):
    assert only_wl000(source).line == line


def test_syntax_error_does_not_stop_the_run(cli, in_tmp):
    write(in_tmp, "a_bad.py", "import torch\nlr = = 0.1\nopt = torch.optim.SGD(m.parameters(), lr=lr)\n")
    write(in_tmp, "b_good.py", HIGH_SGD)
    write(in_tmp, "c_bad.py", b'import torch\nprint "optimizer ready"\n')
    result = cli("check", ".")
    assert result.exit_code == 1
    no_traceback(result)
    got = [(m["path"], m["line"], m["code"]) for m in text_lines(result.stdout)]
    assert got == [("a_bad.py", "2", "WL000"), ("b_good.py", "2", "WL001"), ("c_bad.py", "2", "WL000")]


def test_syntax_error_in_a_file_named_explicitly(cli, in_tmp):
    # Named on the command line, a file is always parsed, whatever it mentions.
    write(in_tmp, "notes.py", "x = = 1\n")
    write(in_tmp, "good.py", HIGH_SGD)
    result = cli("check", "notes.py", "good.py")
    assert [(m["path"], m["code"]) for m in text_lines(result.stdout)] == [("good.py", "WL001"), ("notes.py", "WL000")]


def test_syntax_error_can_be_ignored(cli, in_tmp):
    write(in_tmp, "bad.py", "x = = 1\n")
    assert cli("check", "--ignore", "WL000", "bad.py").exit_code == 0
    assert cli("check", "--select", "WL001", "bad.py").exit_code == 0


# ---- encodings --------------------------------------------------------------------


def test_non_utf8_bytes_are_wl000_with_a_clear_reason(cli, in_tmp):
    data = b"import torch\n# caf\xe9 \xff\nopt = torch.optim.SGD(m.parameters(), lr=0.1)\n"
    diagnostic = only_wl000(data)
    assert "decode" in diagnostic.message or "encoding" in diagnostic.message or "UTF-8" in diagnostic.message
    write(in_tmp, "latin.py", data)
    write(in_tmp, "good.py", HIGH_SGD)
    result = cli("check", ".")
    no_traceback(result)
    assert [(m["path"], m["code"]) for m in text_lines(result.stdout)] == [("good.py", "WL001"), ("latin.py", "WL000")]


def test_bytes_that_contradict_a_utf8_cookie():
    only_wl000(b"# -*- coding: utf-8 -*-\nname = '\xe9t\xe9'\n")


def test_unknown_encoding_cookie():
    diagnostic = only_wl000(b"# -*- coding: no-such-codec -*-\nx = 1\n")
    assert "no-such-codec" in diagnostic.message


def test_latin1_cookie_with_non_ascii_comment():
    data = (
        "# -*- coding: latin-1 -*-\n"
        "# Entraînement à taux élevé\n"
        "import torch\n"
        "opt = torch.optim.SGD(m.parameters(), lr=0.1)  # trop élevé\n"
        "for batch in loader:\n    opt.step()  # entraînement\n"
    ).encode("latin-1")
    assert found(data) == {(4, "WL001")}


def test_utf8_bom():
    assert found(b"\xef\xbb\xbf" + HIGH_SGD.encode()) == {(2, "WL001")}
    assert found(b"\xef\xbb\xbf" + LOW_SGD.encode()) == set()


def test_utf8_bom_through_the_cli(cli, in_tmp):
    write(in_tmp, "bom.py", b"\xef\xbb\xbf" + HIGH_SGD.encode())
    result = cli("check", "--format", "json", "bom.py")
    assert result.exit_code == 1
    assert '"line": 2' in result.stdout and '"column": 7' in result.stdout


def test_text_with_a_lone_surrogate_is_wl000_at_its_position():
    # What a tool embedding warmlint gets from reading bytes with errors="surrogateescape".
    text = "import torch\nname = 'caf\udce9'\n"
    diagnostic = only_wl000(text)
    assert (diagnostic.line, diagnostic.column) == (2, 12)
    assert "not valid Unicode" in diagnostic.message
    from warmlint import fix_source

    assert fix_source(text) == text


def test_non_ascii_identifiers_and_strings():
    source = with_training_loop("import torch\nnäme = 'ü'\nopt = torch.optim.SGD(m.parameters(), lr=0.1)  # ⚠\n")
    assert found(source.encode("utf-8")) == {(3, "WL001")}


# ---- degenerate files --------------------------------------------------------------


@pytest.mark.parametrize(
    "data", [b"", b"\xef\xbb\xbf", b"\n", b"\n\n\n", b"# just a comment", b"   \n\t\n", b"\r\n", b"pass"]
)
def test_trivial_files_are_clean(data):
    result = check_source(data, "x.py")
    assert result.error is None and result.diagnostics == []


def test_empty_file_through_the_cli(cli, in_tmp):
    write(in_tmp, "empty.py", b"")
    write(in_tmp, "bom.py", b"\xef\xbb\xbf")
    result = cli("check", ".")
    assert result.exit_code == 0
    assert result.stdout.strip() == "All checks passed."


@pytest.mark.parametrize("data", [b"x = 1\x00\n", b"\x00", b"import torch\n\x00\x00\x00\n"])
def test_nul_bytes(cli, in_tmp, data):
    diagnostic = only_wl000(data)
    assert 1 <= diagnostic.line <= data.count(b"\n") + 1
    write(in_tmp, "nul.py", data)
    result = cli("check", "nul.py")
    assert result.exit_code == 1
    no_traceback(result)


def test_nul_byte_inside_a_string(cli, in_tmp):
    # CPython refuses any NUL in source; libcst accepts one inside a string. Either way: no crash.
    write(
        in_tmp,
        "nul.py",
        b"import torch\nx = '\x00'\nopt = torch.optim.SGD(m.parameters(), lr=0.1)\n"
        b"for batch in loader:\n    opt.step()\n",
    )
    result = cli("check", "nul.py")
    no_traceback(result)
    assert result.exit_code == 1
    assert set(reported_codes(result.stdout)) <= {"WL000", "WL001"}


def test_deeply_nested_parentheses():
    source = "import torch\nx = " + "(" * DEEP + "1" + ")" * DEEP + "\nopt = torch.optim.SGD(m.parameters(), lr=0.1)\n"
    assert found(with_training_loop(source)) == {(3, "WL001")}


def _deep(shape: str, depth: int = DEEP) -> str:
    """Valid Python, nested `depth` levels deep, followed by a WL001 on the line before the training loop
    (the last two lines)."""
    if shape == "elif":
        body = "if x == 0:\n    y = 0\n" + "".join(f"elif x == {i}:\n    y = {i}\n" for i in range(1, depth))
    elif shape == "concat":
        body = "x = (\n" + "".join(f"    'part {i} ' +\n" for i in range(depth)) + "    'end'\n)\n"
    else:
        expression = {
            "minus": "-" * depth + "1",
            "add": "+".join(["1"] * depth),
            "attr": "a" + ".b" * depth,
            "paren": "(" * depth + "1" + ")" * depth,
            "call": "f(" * depth + ")" * depth,
            "list": "[" * depth + "]" * depth,
        }[shape]
        body = f"x = {expression}\n"
    return (
        "import torch\n"
        + body
        + "opt = torch.optim.SGD(m.parameters(), lr=0.1)\nfor batch in loader:\n    opt.step()\n"
    )


# libcst's parser is quadratic in the nesting of calls and lists: 300 levels keep these fast
# while still being far past the default recursion limit of the analysis.
DEEP_CASES = [
    ("minus", DEEP),
    ("add", DEEP),
    ("attr", DEEP),
    ("paren", DEEP),
    ("elif", DEEP),
    ("concat", DEEP),
    ("call", 300),
    ("list", 300),
]


@pytest.mark.parametrize(
    ("shape", "depth"), fast_share(DEEP_CASES, kind=lambda case: "deep"), ids=[shape for shape, _ in DEEP_CASES]
)
def test_deeply_nested_code_is_checked(cli, in_tmp, shape, depth):
    source = _deep(shape, depth)
    write(in_tmp, "deep.py", source)
    write(in_tmp, "good.py", HIGH_SGD)
    result = cli("check", ".")
    no_traceback(result)
    assert result.exit_code == 1
    last = source.count("\n") - 2  # the optimizer, before its two-line training loop
    assert [(m["path"], m["line"], m["code"]) for m in text_lines(result.stdout)] == [
        ("deep.py", str(last), "WL001"),
        ("good.py", "2", "WL001"),
    ]


@pytest.mark.parametrize("shape", ["minus", "concat"])
def test_deeply_nested_code_in_the_engine(shape):
    result = check_source(_deep(shape), "deep.py")
    assert [d.code for d in result.diagnostics] == ["WL001"]


@pytest.mark.slow  # checks 3,000 nested brackets twice, through the CLI
def test_very_deep_brackets_do_not_crash_the_process(in_tmp):
    """3,000 nested brackets overflow an 8 MB C stack inside libcst's native parser."""
    write(in_tmp, "deep.py", _deep("paren", 3000))
    write(in_tmp, "good.py", HIGH_SGD)
    result = run_module("check", ".", cwd=in_tmp)
    assert result.returncode == 1, result.returncode
    no_traceback(result)
    assert "good.py:2:" in result.stdout.decode()


# ---- line endings -----------------------------------------------------------------


def test_crlf_line_endings_keep_line_numbers():
    source = (
        '"""Doc\r\nstring."""\r\nimport torch\r\n\r\n'
        "opt = torch.optim.SGD(\r\n    m.parameters(),\r\n    lr=0.1,\r\n)\r\n"
        "b = torch.optim.SGD(m.parameters(), lr=0.2)\r\n"
        "for batch in loader:\r\n    opt.step()\r\n    b.step()\r\n"
    )
    result = diagnostics(source.encode())
    assert [(d.line, d.column, d.span.end_line, d.code) for d in result] == [(5, 7, 8, "WL001"), (9, 5, 9, "WL001")]


def test_crlf_suppression_and_cli(cli, in_tmp):
    write(
        in_tmp,
        "crlf.py",
        b"import torch\r\n\r\nopt = torch.optim.SGD(m.parameters(), lr=0.1)  # noqa: WL002\r\n"
        b"for batch in loader:\r\n    opt.step()\r\n",
    )
    result = cli("check", "crlf.py")
    assert text_lines(result.stdout)[0]["line"] == "3"
    write(
        in_tmp,
        "crlf.py",
        b"import torch\r\n\r\nopt = torch.optim.SGD(m.parameters(), lr=0.1)  # noqa: WL001\r\n"
        b"for batch in loader:\r\n    opt.step()\r\n",
    )
    assert cli("check", "crlf.py").exit_code == 0


def test_mixed_line_endings():
    source = (
        b"import torch\r\nx = 1\nopt = torch.optim.SGD(m.parameters(), lr=0.1)\r\n"
        b"for batch in loader:\n    opt.step()\r\n"
    )
    assert found(source) == {(3, "WL001")}


# ---- files that cannot be read ----------------------------------------------------------


def test_unreadable_file(in_tmp):
    secret = write(in_tmp, "secret.py", HIGH_SGD)
    write(in_tmp, "good.py", HIGH_SGD)
    secret.chmod(0)
    try:
        if os.access(secret, os.R_OK):
            pytest.skip("this user can read a file with mode 000 (running as root)")
        result = run_module("check", ".", cwd=in_tmp)
    finally:
        secret.chmod(0o644)
    _assert_unreadable_reported(result.returncode, result.stdout.decode(), result.stderr.decode())


def test_unreadable_file_simulated(cli, in_tmp, monkeypatch):
    """The same case without relying on file modes (which root ignores)."""
    write(in_tmp, "secret.py", HIGH_SGD)
    write(in_tmp, "good.py", HIGH_SGD)
    real_read_bytes = pathlib.Path.read_bytes

    def read_bytes(self):
        if self.name == "secret.py":
            raise PermissionError(13, "Permission denied", str(self))
        return real_read_bytes(self)

    monkeypatch.setattr(pathlib.Path, "read_bytes", read_bytes)
    result = cli("check", ".")
    _assert_unreadable_reported(result.exit_code, result.stdout, result.stderr)


def _assert_unreadable_reported(code: int, stdout: str, stderr: str) -> None:
    assert code == 2
    assert "Traceback" not in stdout + stderr
    errors = stderr.strip().splitlines()
    assert len(errors) == 1 and "secret.py" in errors[0]
    assert "ermission" in errors[0]
    assert [(m["path"], m["code"]) for m in text_lines(stdout)] == [("good.py", "WL001")]


def test_directory_with_no_python_files(cli, in_tmp):
    write(in_tmp, "data/notes.txt", "nothing here\n")
    (in_tmp / "data" / "empty").mkdir()
    result = cli("check", "data")
    assert result.exit_code == 0
    assert "no Python files" in result.stderr
    no_traceback(result)


def test_empty_directory_quiet(cli, in_tmp):
    (in_tmp / "nothing").mkdir()
    result = cli("check", "-q", "nothing")
    assert result.exit_code == 0 and result.stdout == ""


# ---- special files -------------------------------------------------------------------

needs_fifo = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")


@pytest.mark.slow  # a CLI run per pipe
@needs_fifo
def test_fifo_in_a_directory_is_skipped(in_tmp):
    write(in_tmp, "src/train.py", HIGH_SGD)
    os.mkfifo(in_tmp / "src" / "pipe.py")
    result = run_module("check", "src", cwd=in_tmp, timeout=30)
    no_traceback(result)
    assert result.returncode == 1
    assert reported_codes(result.stdout.decode()) == ["WL001"]
    assert b"pipe.py" not in result.stdout + result.stderr


@pytest.mark.slow  # a CLI run per pipe
@needs_fifo
def test_fifo_named_explicitly_is_a_clear_error(in_tmp):
    os.mkfifo(in_tmp / "pipe.py")
    write(in_tmp, "train.py", HIGH_SGD)
    result = run_module("check", "pipe.py", "train.py", cwd=in_tmp, timeout=30)
    no_traceback(result)
    assert result.returncode == 2
    errors = result.stderr.decode().strip().splitlines()
    assert len(errors) == 1 and "pipe.py" in errors[0] and "regular file" in errors[0]
    assert reported_codes(result.stdout.decode()) == ["WL001"]


needs_symlinks = pytest.mark.skipif(sys.platform == "win32", reason="symlinks need privileges on Windows")


@pytest.mark.slow  # a CLI run over a symlink loop
@needs_symlinks
def test_symlink_loops_do_not_hang(in_tmp):
    root = in_tmp / "proj"
    write(root, "pkg/train.py", HIGH_SGD)
    (root / "pkg" / "again").symlink_to(root, target_is_directory=True)  # proj/pkg/again -> proj
    (root / "self.py").symlink_to(root / "self.py")  # a link to itself
    (root / "ping").symlink_to(root / "pong")
    (root / "pong").symlink_to(root / "ping")
    result = run_module("check", "proj", cwd=in_tmp, timeout=30)
    no_traceback(result)
    assert result.returncode in (1, 2)
    assert reported_codes(result.stdout.decode()) == ["WL001"]  # the file is checked once


@needs_symlinks
def test_symlink_loop_named_explicitly(in_tmp):
    (in_tmp / "loop.py").symlink_to(in_tmp / "loop.py")
    result = run_module("check", "loop.py", cwd=in_tmp, timeout=30)
    no_traceback(result)
    assert result.returncode == 2
    errors = result.stderr.decode().strip().splitlines()
    assert len(errors) == 1 and "loop.py" in errors[0]


@needs_symlinks
def test_symlinked_file_is_checked(cli, in_tmp):
    write(in_tmp, "real/train.py", HIGH_SGD)
    (in_tmp / "link.py").symlink_to(in_tmp / "real" / "train.py")
    result = cli("check", "-q", "link.py")
    assert [m["path"] for m in text_lines(result.stdout)] == ["link.py"]


# ---- size, indentation and line endings ------------------------------------------------


@pytest.mark.slow  # 100,000 lines through the CLI
def test_a_100000_line_file_is_checked_to_its_last_line(cli, in_tmp):
    # Mostly a data string (as generated files are), some code and comments, a pitfall at the end.
    lines = ["import torch", 'TABLE = """'] + ["0.1 0.2 0.3"] * 95_000 + ['"""']
    lines += [f"# note {i}" if i % 2 else f"value_{i} = {i}" for i in range(5_000)]
    lines += ["opt = torch.optim.SGD(m.parameters(), lr=0.1)"]
    optimizer_line = len(lines)
    lines += ["for batch in loader:", "    opt.step()"]
    write(in_tmp, "big.py", "\n".join(lines) + "\n")
    assert len(lines) > 100_000
    result = cli("check", "-q", "big.py")
    assert result.exit_code == 1
    assert [(m["line"], m["code"]) for m in text_lines(result.stdout)] == [(str(optimizer_line), "WL001")]


def test_tabs_and_spaces_mixed_inconsistently_is_wl000():
    diagnostic = only_wl000("import torch\nif True:\n\tx = 1\n        y = 2\n")
    assert diagnostic.line == 4 and "tabs and spaces" in diagnostic.message


def test_tabs_in_one_block_and_spaces_in_another_is_valid_python():
    source = "import torch\nif True:\n\tx = 1\nfor i in range(3):\n    opt = torch.optim.SGD(m.parameters(), lr=0.1)\n"
    assert found(with_training_loop(source)) == {(5, "WL001")}


def test_old_mac_cr_line_endings():
    source = (
        b"import torch\rx = 1\ropt = torch.optim.SGD(m.parameters(), lr=0.1)\rfor batch in loader:\r    opt.step()\r"
    )
    assert found(source) == {(3, "WL001")}


def test_a_file_deleted_between_discovery_and_reading(cli, in_tmp, monkeypatch):
    import warmlint.cli.check

    write(in_tmp, "train.py", HIGH_SGD)
    gone = write(in_tmp, "gone.py", HIGH_SGD)
    real_discover = warmlint.cli.check.discover

    def discover_then_delete(*args, **kwargs):
        found_files = real_discover(*args, **kwargs)
        gone.unlink()
        return found_files

    monkeypatch.setattr(warmlint.cli.check, "discover", discover_then_delete)
    result = cli("check", ".")
    no_traceback(result)
    assert result.exit_code == 2
    assert result.stderr.strip().splitlines() == [
        "warmlint: error: gone.py: no such file (removed after the run started, or a broken symlink)"
    ]
    assert [m["path"] for m in text_lines(result.stdout)] == ["train.py"]
