"""Redirect the script's writes under the project (and the current folder) to a scratch copy.

Installed in the child before the script starts. It replaces the functions training scripts
write files with: ``open``/``io.open`` (and so ``pathlib``'s writes, ``logging``, ``json.dump``
to a file, ``numpy.save``), ``os.open``, ``os.remove``/``unlink``/``rename``/``replace``/
``mkdir``/``rmdir``/``chmod``/``utime``/``truncate`` (and so ``os.makedirs`` and pathlib's
``unlink``, ``rename``, ``mkdir``, ``touch``), ``shutil``'s copies, ``move`` and ``rmtree``,
and ``torch.save``. Reads (``open``, ``os.stat`` and so ``os.path.exists``, ``os.listdir``,
``os.scandir`` and so ``glob``, ``torch.load``) see the scratch copy where there is one.
Writes made by other processes or by native code are not seen here: the parent's before/after
comparison of the project catches those.
"""

from __future__ import annotations

import builtins
import io
import json
import logging
import os
import shutil
import stat
import sys
from typing import Any

from warmlint.verify.child.overlay import MergedScandir, Overlay, missing, remember_real
from warmlint.verify.protocol import SANDBOX_ENV

_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_TRUNC | os.O_APPEND


def install_from_environment() -> Overlay | None:
    """Install the redirection the parent asked for in ``$WARMLINT_VERIFY_SANDBOX``, if it did."""
    settings = os.environ.pop(SANDBOX_ENV, None)
    if not settings:
        return None
    spec = json.loads(settings)
    overlay = Overlay(
        scratch=spec["scratch"],
        roots=tuple(spec["roots"]),
        excluded=tuple(spec["excluded"]),
        removed_log=spec["removed_log"],
    )
    install(overlay)
    return overlay


def install(overlay: Overlay) -> None:
    remember_real(overlay)
    real = overlay.real
    # Importing the project's own modules would write __pycache__ into it.
    sys.dont_write_bytecode = True
    real_open, real_os_open = builtins.open, os.open
    real_stat, real_lstat = os.stat, os.lstat
    real_listdir, real_scandir = os.listdir, os.scandir
    real_rename, real_replace = os.rename, os.replace
    real_rmdir, real_chmod, real_utime, real_truncate = os.rmdir, os.chmod, os.utime, os.truncate
    real_copyfile, real_copy, real_copy2 = shutil.copyfile, shutil.copy, shutil.copy2
    real_copymode, real_copystat, real_copytree = shutil.copymode, shutil.copystat, shutil.copytree

    def open_(file: Any, mode: str = "r", *args: Any, **kwargs: Any) -> Any:
        if overlay.protected(file) is None:
            return real_open(file, mode, *args, **kwargs)
        if not any(flag in mode for flag in "wax+"):
            return real_open(overlay.read_path(file), mode, *args, **kwargs)
        absolute = overlay.protected(file)
        if "x" in mode and absolute is not None and overlay.view_stat(absolute) is not None:
            raise FileExistsError(17, os.strerror(17), os.fsdecode(file))
        return real_open(overlay.write_path(file, copy_existing="w" not in mode), mode, *args, **kwargs)

    def os_open(path: Any, flags: int, mode: int = 0o777, *, dir_fd: int | None = None) -> int:
        if dir_fd is not None or overlay.protected(path) is None:
            return real_os_open(path, flags, mode, dir_fd=dir_fd)
        if not flags & _WRITE_FLAGS:
            return real_os_open(overlay.read_path(path), flags, mode)
        absolute = overlay.protected(path)
        if flags & os.O_CREAT and flags & os.O_EXCL and absolute and overlay.view_stat(absolute) is not None:
            raise FileExistsError(17, os.strerror(17), os.fsdecode(path))
        return real_os_open(overlay.write_path(path, copy_existing=not flags & os.O_TRUNC), flags, mode)

    def reader(function: Any) -> Any:
        def wrapper(path: Any = ".", *args: Any, **kwargs: Any) -> Any:
            if kwargs.get("dir_fd") is not None:
                return function(path, *args, **kwargs)
            return function(overlay.read_path(path), *args, **kwargs)

        return wrapper

    def listdir(path: Any = ".") -> list[Any]:
        absolute = overlay.protected(path)
        if absolute is None:
            return real_listdir(path)
        names = overlay.list_names(absolute)
        if names is None:
            return real_listdir(overlay.read_path(path))
        return [os.fsencode(name) for name in names] if isinstance(path, bytes) else names

    def scandir(path: Any = ".") -> Any:
        absolute = overlay.protected(path)
        if absolute is None or isinstance(path, bytes):
            return real_scandir(path)
        if overlay.list_names(absolute) is None:
            return real_scandir(overlay.read_path(path))
        return MergedScandir(overlay, absolute, path)

    def remove(path: Any, *, dir_fd: int | None = None) -> None:
        absolute = overlay.protected(path)
        if dir_fd is not None or absolute is None:
            return real["unlink"](path, dir_fd=dir_fd)
        seen = overlay.view_stat(absolute)
        if seen is None:
            raise missing(path)
        if stat.S_ISDIR(seen.st_mode):
            raise IsADirectoryError(21, os.strerror(21), os.fsdecode(path))
        overlay.remove(absolute)

    def rmdir(path: Any, *, dir_fd: int | None = None) -> None:
        absolute = overlay.protected(path)
        if dir_fd is not None or absolute is None:
            return real_rmdir(path, dir_fd=dir_fd)
        names = overlay.list_names(absolute)
        if names is None:
            raise missing(path)
        if names:
            raise OSError(39, os.strerror(39), os.fsdecode(path))
        overlay.remove(absolute)

    def mkdir(path: Any, mode: int = 0o777, *, dir_fd: int | None = None) -> None:
        absolute = overlay.protected(path)
        if dir_fd is not None or absolute is None:
            return real["mkdir"](path, mode, dir_fd=dir_fd)
        if overlay.view_stat(absolute) is not None:
            raise FileExistsError(17, os.strerror(17), os.fsdecode(path))
        overlay.write_path(path)  # checks that the parent is there
        overlay.make_folder(absolute, mode)

    def mover(function: Any) -> Any:
        def wrapper(src: Any, dst: Any, *, src_dir_fd: int | None = None, dst_dir_fd: int | None = None) -> None:
            fds = src_dir_fd is not None or dst_dir_fd is not None
            if fds or (overlay.protected(src) is None and overlay.protected(dst) is None):
                return function(src, dst, src_dir_fd=src_dir_fd, dst_dir_fd=dst_dir_fd)
            overlay.move(src, dst, function)

        return wrapper

    def in_place(function: Any) -> Any:
        """chmod, utime, truncate: change the scratch copy (copied first)."""

        def wrapper(path: Any, *args: Any, **kwargs: Any) -> Any:
            absolute = overlay.protected(path)
            if absolute is None or kwargs.get("dir_fd") is not None:
                return function(path, *args, **kwargs)
            seen = overlay.view_stat(absolute)
            if seen is None:
                raise missing(path)
            if stat.S_ISDIR(seen.st_mode):
                real["makedirs"](overlay.shadow(absolute), exist_ok=True)
                return function(overlay.shadow(absolute), *args, **kwargs)
            return function(overlay.write_path(path, copy_existing=True), *args, **kwargs)

        return wrapper

    def copier(function: Any, into_folder: bool, copy_existing: bool = False) -> Any:
        def wrapper(src: Any, dst: Any, *args: Any, **kwargs: Any) -> Any:
            if overlay.protected(dst) is None and overlay.protected(src) is None:
                return function(src, dst, *args, **kwargs)
            if into_folder and os.path.isdir(dst):
                dst = os.path.join(dst, os.path.basename(os.fsdecode(src)))
            function(overlay.read_path(src), overlay.write_path(dst, copy_existing=copy_existing), *args, **kwargs)
            return dst

        return wrapper

    def rmtree(path: Any, ignore_errors: bool = False, *args: Any, **kwargs: Any) -> None:
        absolute = overlay.protected(path)
        if absolute is None:
            return real["rmtree"](path, ignore_errors, *args, **kwargs)
        if overlay.view_stat(absolute) is None:
            if ignore_errors:
                return None
            raise missing(path)
        overlay.remove(absolute)

    builtins.open = io.open = open_
    os.open = os_open
    os.stat, os.lstat = reader(real_stat), reader(real_lstat)
    os.listdir, os.scandir = listdir, scandir
    os.remove = os.unlink = remove
    os.rmdir, os.mkdir = rmdir, mkdir
    os.rename, os.replace = mover(real_rename), mover(real_replace)
    os.chmod, os.utime, os.truncate = in_place(real_chmod), in_place(real_utime), in_place(real_truncate)
    shutil.copyfile = copier(real_copyfile, into_folder=False)
    shutil.copy, shutil.copy2 = copier(real_copy, True), copier(real_copy2, True)
    shutil.copymode = copier(real_copymode, False, copy_existing=True)
    shutil.copystat = copier(real_copystat, False, copy_existing=True)
    shutil.copytree = copier(real_copytree, into_folder=False)
    shutil.rmtree = rmtree  # type: ignore[assignment]
    _replace_saved_references(real_open, open_)
    if "torch" in sys.modules:  # the child imports it first; without it, there is no torch.save to redirect
        _redirect_torch(overlay)


def _replace_saved_references(real_open: Any, open_: Any) -> None:
    """Modules imported before this (by torch, say) may hold open() under a name of their own:
    tarfile's ``bltn_open``, ``from io import open``, logging.FileHandler's ``_builtin_open``."""
    for name, module in list(sys.modules.items()):
        if module is None or name in ("builtins", "io", "_io") or name.startswith("warmlint."):
            continue
        try:
            names = [key for key, value in vars(module).items() if value is real_open]
        except TypeError:
            continue
        for key in names:
            setattr(module, key, open_)
    logging.FileHandler._builtin_open = staticmethod(open_)  # type: ignore[attr-defined]


def _redirect_torch(overlay: Overlay) -> None:
    """torch.save writes a zip archive from C++, by name: give it the scratch name instead."""
    import torch
    import torch.serialization

    real_save, real_load = torch.save, torch.load

    def save(obj: Any, f: Any, *args: Any, **kwargs: Any) -> None:
        return real_save(obj, overlay.write_path(f), *args, **kwargs)

    def load(f: Any, *args: Any, **kwargs: Any) -> Any:
        return real_load(overlay.read_path(f), *args, **kwargs)

    torch.save = torch.serialization.save = save
    torch.load = torch.serialization.load = load
