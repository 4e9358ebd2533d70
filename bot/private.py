"""Files only their owner can read: the data directory (0700), the databases, the demo
homeserver's files and the encryption store (0600).

What the bot creates itself is created with these modes (``os.open``/``mkdir`` with an explicit
mode, so there is no moment when another user could open it); what libraries and the demo
homeserver create is covered by the process umask (``PRIVATE_UMASK``, set by the CLI, and given to
Synapse's process). What already exists with looser modes is tightened at start
(``tighten_tree``).
"""

from __future__ import annotations

import contextlib
import logging
import os
import stat
from collections.abc import Iterable, Iterator
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_UMASK = 0o077
OPEN_TO_OTHERS = 0o077  # group and other permission bits


@contextlib.contextmanager
def private_umask() -> Iterator[None]:
    """Create files only their owner can read while inside (the umask is per process)."""
    before = os.umask(PRIVATE_UMASK)
    try:
        yield
    finally:
        os.umask(before)


def private_dir(path: str | os.PathLike[str]) -> Path:
    """Make ``path`` (and missing parents) with mode 0700. Raises ``OSError``."""
    p = Path(path)
    with private_umask():
        p.mkdir(mode=0o700, parents=True, exist_ok=True)
    return p


def write_private(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` with mode 0600 from the moment it exists (an existing file with
    a looser mode is tightened before anything is written to it)."""
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    try:
        os.fchmod(fd, stat.S_IMODE(os.fstat(fd).st_mode) & ~OPEN_TO_OTHERS)
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            fd = -1
            fh.write(text)
    finally:
        if fd >= 0:
            os.close(fd)


def _tighten(path: Path) -> bool:
    """Remove the group and other bits of ``path``; ``True`` if it had some."""
    try:
        st = path.lstat()
    except OSError:
        return False
    if stat.S_ISLNK(st.st_mode) or not st.st_mode & OPEN_TO_OTHERS:
        return False
    try:
        path.chmod(stat.S_IMODE(st.st_mode) & ~OPEN_TO_OTHERS)
    except OSError as err:
        log.warning("could not make %s private: %s", path, err)
        return False
    return True


def tighten_tree(paths: Iterable[str | os.PathLike[str]]) -> list[Path]:
    """Make every existing file and folder under ``paths`` readable by its owner only (symbolic
    links are not followed); returns those that were open to others."""
    changed: list[Path] = []
    seen: set[Path] = set()
    for top in paths:
        root = Path(top)
        if root in seen or not root.exists():
            continue
        seen.add(root)
        if _tighten(root):
            changed.append(root)
        if not root.is_dir() or root.is_symlink():
            continue
        for folder, dirs, files in os.walk(root):
            for name in (*dirs, *files):
                path = Path(folder) / name
                if path not in seen and _tighten(path):
                    changed.append(path)
    return changed


def report_tightened(changed: list[Path]) -> None:
    """One log line for everything ``tighten_tree`` changed."""
    if not changed:
        return
    shown = ", ".join(str(p) for p in changed[:5])
    more = f" and {len(changed) - 5} more" if len(changed) > 5 else ""
    log.warning(
        "%s files and folders were readable by other users; now only by their owner: %s%s",
        len(changed),
        shown,
        more,
    )
