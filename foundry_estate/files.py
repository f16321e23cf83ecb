"""Files written whole, and the files of one command written together or not at all.

Every file the kit writes goes through `write_files`:

1. A journal `.foundry-estate-write-<pid>-<id>.journal` in the command's root names the files
   (and the folders the write creates); it is synced before anything else is written.
2. Each file is written to a temporary file beside its target (`.<name>.<id>.tmp`, same folder,
   so the same file system) and synced; then the folders are synced.
3. The journal is replaced, in one rename, by its *commit* version: from here on the write is
   decided.
4. Each temporary file is renamed over its target (a rename is atomic: a reader, or a crash,
   sees the old file or the new one, never a part; a replaced file keeps its mode), the files the
   command removes are removed, the folders are synced, the journal removed.

What "all or nothing" means, honestly: a file is never partial, at any instant. A command that
fails (a full disk, a refusal) before step 3 removes what it staged and leaves every file as it
was. A process killed (SIGKILL, power loss) before step 3 leaves its temporary files and a
journal; killed during step 4, some targets are new and some old. The next command that writes
in that root (`recover`, which `write_files` and every writing command call first) reads the
journal: before the commit it removes the temporary files and the folders it made (nothing was
written); after it, it renames the remaining temporary files into place (everything was). Between
the kill and that next command the set is mixed, each file whole.
"""

from __future__ import annotations

import errno
import json
import os
import secrets
from dataclasses import dataclass
from typing import Mapping

from foundry_estate.errors import KitError, Problem
from foundry_estate.paths import display

JOURNAL_PREFIX = ".foundry-estate-write-"
JOURNAL_SUFFIX = ".journal"
STAGING, COMMIT = "staging", "commit"


@dataclass(frozen=True)
class _Write:
    root: str
    ident: str
    targets: tuple[str, ...]  # relative to root
    made: tuple[str, ...]  # folders this write creates, relative to root, parents first
    removed: tuple[str, ...] = ()  # files this write removes, relative to root

    @property
    def journal(self) -> str:
        return os.path.join(self.root, f"{JOURNAL_PREFIX}{self.ident}{JOURNAL_SUFFIX}")

    def temp(self, target: str) -> str:
        folder, name = os.path.split(os.path.join(self.root, target))
        return os.path.join(folder, f".{name}.{self.ident}.tmp")

    def record(self, state: str) -> bytes:
        return json.dumps({"state": state, "files": list(self.targets), "folders": list(self.made),
                           "removed": list(self.removed)}).encode()


def write_file(path: str, text: str | bytes) -> None:
    """Write one file whole (replacing it if it exists)."""
    folder, name = os.path.split(path)
    write_files(folder or ".", {name: text}, replace=True)


def write_files(root: str, files: Mapping[str, str | bytes], replace: bool = False,
                remove: tuple[str, ...] = ()) -> None:
    """Write `files` (paths relative to `root`, which exists: its text, or bytes) whole and together, and
    remove the files `remove` names with them. Without `replace`, a target that exists refuses the
    whole write. A failure is a `KitError` naming the file, with nothing written."""
    recover(root)
    targets = tuple(os.path.normpath(path) for path in files)
    if not replace:
        existing = [path for path in targets if os.path.lexists(os.path.join(root, path))]
        if existing:
            raise KitError([Problem.at(_shown(root, path), "already exists: nothing was written") for path in existing])
    write = _Write(root, f"{os.getpid()}-{secrets.token_hex(4)}", targets, _missing_folders(root, targets),
                   tuple(os.path.normpath(path) for path in remove))
    writing = targets[0] if targets else ""
    try:
        _create(write.journal, write.record(STAGING))
        for folder in write.made:
            os.mkdir(os.path.join(root, folder))
        for writing, text in zip(targets, files.values()):
            data = text if isinstance(text, bytes) else text.encode("utf-8")
            _create(write.temp(writing), data, _mode(os.path.join(root, writing)))
        _sync_folders(root, targets)
        _create(write.journal + ".tmp", write.record(COMMIT))
        os.replace(write.journal + ".tmp", write.journal)
    except BaseException as error:
        _undo(write)
        if isinstance(error, OSError):
            raise _refusal(_shown(root, writing), error) from None
        raise
    try:
        _finish(write)
    except OSError as error:
        raise KitError([Problem.at(_shown(root, writing), f"cannot put the file in place: {error.strerror or error}; "
                                   "the next foundry-estate command that writes here finishes the write")]) from None


def recover(root: str) -> list[str]:
    """Finish or undo what a killed command was writing in `root`; says what it did, one line each."""
    try:
        names = os.listdir(root)
    except OSError:
        return []
    done = []
    for name in sorted(names):
        if not name.startswith(JOURNAL_PREFIX):
            continue
        ident = name[len(JOURNAL_PREFIX):].split(".", 1)[0]
        if _alive(ident):
            continue  # another command is writing right now
        path = os.path.join(root, name)
        if not name.endswith(JOURNAL_SUFFIX):
            _remove(path)  # a commit record cut short: its journal still says staging
            continue
        write, state = _read_journal(root, ident, path)
        shown = ", ".join(_shown(root, target) for target in write.targets + write.removed)
        if state == COMMIT:
            _finish(write)
            done.append(f"finished writing {shown} (a command stopped while it wrote them)")
        else:
            _undo(write)
            done.append(f"removed the unfinished write of {shown} (a command stopped before it wrote them)")
    return done


def _finish(write: _Write) -> None:
    for target in write.targets:
        if os.path.lexists(write.temp(target)):
            os.replace(write.temp(target), os.path.join(write.root, target))
    for path in write.removed:
        _remove(os.path.join(write.root, path))
    _sync_folders(write.root, write.targets + write.removed)
    _remove(write.journal)
    _sync(write.root)


def _undo(write: _Write) -> None:
    for target in write.targets:
        _remove(write.temp(target))
    for folder in reversed(write.made):
        try:
            os.rmdir(os.path.join(write.root, folder))
        except OSError:
            pass  # not made, or no longer empty
    _remove(write.journal + ".tmp")
    _remove(write.journal)


def _read_journal(root: str, ident: str, path: str) -> tuple[_Write, str]:
    try:
        with open(path, "rb") as handle:
            record = json.loads(handle.read())
        return (_Write(root, ident, tuple(record["files"]), tuple(record["folders"]), tuple(record.get("removed", ()))),
                record["state"])
    except (OSError, ValueError, KeyError, TypeError):
        # cut short while the journal itself was written: nothing else was written yet
        return _Write(root, ident, (), ()), STAGING


def _missing_folders(root: str, targets: tuple[str, ...]) -> tuple[str, ...]:
    missing: list[str] = []
    for target in targets:
        folder = os.path.dirname(target)
        chain = []
        while folder and not os.path.isdir(os.path.join(root, folder)):
            chain.append(folder)
            folder = os.path.dirname(folder)
        missing += [folder for folder in reversed(chain) if folder not in missing]
    return tuple(missing)


def _create(path: str, data: bytes, mode: int | None = None) -> None:
    """A new file holding `data`, synced to disk: with `mode`, that mode (else as new files get)."""
    descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        if mode is not None:
            os.chmod(path, mode)
        view = memoryview(data)
        while view:
            view = view[os.write(descriptor, view):]
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def _mode(path: str) -> int | None:
    """The permission bits of the file a write replaces (an executable stays executable)."""
    try:
        return os.stat(path).st_mode & 0o7777
    except OSError:
        return None


def _refusal(shown: str, error: OSError) -> KitError:
    reason = "the disk is full" if error.errno in (errno.ENOSPC, errno.EDQUOT) else error.strerror or str(error)
    return KitError([Problem.at(shown, f"cannot write the file: {reason}; nothing was written")])


def _sync_folders(root: str, targets: tuple[str, ...]) -> None:
    for folder in sorted({os.path.dirname(os.path.join(root, target)) for target in targets}):
        _sync(folder)


def _sync(folder: str) -> None:
    """Make the folder's entries (created, renamed files) durable; where folders cannot be opened, skip."""
    try:
        descriptor = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(descriptor)
    except OSError:
        pass
    finally:
        os.close(descriptor)


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass


def _alive(ident: str) -> bool:
    pid = ident.split("-", 1)[0]
    if not pid.isdigit() or int(pid) == os.getpid():
        return False
    try:
        os.kill(int(pid), 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True


def _shown(root: str, target: str) -> str:
    return display(os.path.join(root, target))
