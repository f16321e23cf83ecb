"""Files written whole: a reader (or a crash) sees the old file or the new one, never a part.

The text goes to a temporary file in the same folder, is flushed to disk, and replaces the
target with one rename (atomic on POSIX and on Windows' `os.replace`); the file keeps the
mode of the one it replaces.
"""

from __future__ import annotations

import os
import tempfile


def write_whole(path: str, text: str) -> None:
    """Write `text` (UTF-8) to `path`, creating its folder if needed."""
    folder = os.path.dirname(os.path.abspath(path))
    os.makedirs(folder, exist_ok=True)
    handle, temporary = tempfile.mkstemp(prefix=f".{os.path.basename(path)}.", suffix=".tmp", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8", newline="") as out:
            out.write(text)
            out.flush()
            os.fsync(out.fileno())
        try:
            os.chmod(temporary, os.stat(path).st_mode & 0o7777)
        except FileNotFoundError:
            os.chmod(temporary, 0o666 & ~_umask())
        os.replace(temporary, path)
    except BaseException:
        if os.path.exists(temporary):
            os.unlink(temporary)
        raise


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
