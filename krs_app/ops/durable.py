"""Files that must survive a power loss once the app has said they are stored.

A write or rename sits in the OS page cache until it is synced: a power loss (not a crash of
the app) can lose a file whose database row, synced at commit, survives (db/engine.py). So an
evidence file is synced, moved into place and its folder synced before its row commits, and
`krs restore` and `krs backup` sync what they copy before they say it is done."""

from __future__ import annotations

import os
from pathlib import Path


def sync_file(path: Path) -> None:
    """Its content on the disk."""
    descriptor = os.open(path, os.O_RDONLY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def sync_dir(path: Path) -> None:
    """Its entries (a file created, renamed into or removed from it) on the disk."""
    descriptor = os.open(path, os.O_RDONLY | os.O_DIRECTORY)
    try:
        os.fsync(descriptor)
    finally:
        os.close(descriptor)


def move_durably(source: Path, target: Path) -> None:
    """Rename `source` to `target` (same file system) so that both its content and its new name
    survive a power loss; the folders it creates too."""
    created: list[Path] = []
    folder = target.parent
    while not folder.exists():
        created.append(folder)
        folder = folder.parent
    target.parent.mkdir(parents=True, exist_ok=True)
    sync_file(source)
    os.replace(source, target)
    for path in [target.parent, *[c.parent for c in created]]:
        sync_dir(path)
    if source.parent != target.parent:
        sync_dir(source.parent)


def copy_durably(source: Path, target: Path) -> None:
    """Copy `source` to `target` through a temporary name, synced, so that a power loss never
    leaves a half-written file under the target name."""
    import shutil

    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(target.name + ".partial")
    shutil.copyfile(source, partial)
    move_durably(partial, target)
