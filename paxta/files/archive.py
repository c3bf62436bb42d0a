"""Zip archives uploaded to the web app (a case folder, a list published as several files),
unpacked safely: members only inside the target folder, no links, bounded in count and size."""

from __future__ import annotations

import shutil
import stat
import zipfile
from pathlib import Path, PurePosixPath

from paxta.errors import PaxtaError

MAX_MEMBERS = 5_000
MAX_BYTES = 1 << 30  # unpacked, all members together


def unpack_zip(archive: Path, folder: Path, name: str) -> Path:
    """Unpack ``archive`` (called ``name`` for messages) into ``folder``; return the folder its
    contents are in (the one top-level folder when the archive holds only that). Nothing is
    left behind when the archive is refused."""
    try:
        with zipfile.ZipFile(archive) as z:
            members = [m for m in z.infolist() if not m.is_dir()]
            _check(members, name)
            folder.mkdir(parents=True, exist_ok=True)
            for m in members:
                target = folder.joinpath(*PurePosixPath(m.filename).parts)
                target.parent.mkdir(parents=True, exist_ok=True)
                with z.open(m) as src, target.open("wb") as out:
                    shutil.copyfileobj(src, out)
    except zipfile.BadZipFile:
        shutil.rmtree(folder, ignore_errors=True)
        raise PaxtaError(f"{name} is not a zip archive (or it is damaged).") from None
    except PaxtaError:
        shutil.rmtree(folder, ignore_errors=True)
        raise
    tops = {PurePosixPath(m.filename).parts[0] for m in members}
    inner = folder / next(iter(tops)) if len(tops) == 1 else folder
    return inner if inner.is_dir() else folder


def _check(members: list[zipfile.ZipInfo], name: str) -> None:
    if not members:
        raise PaxtaError(f"{name} holds no file.")
    if len(members) > MAX_MEMBERS:
        raise PaxtaError(f"{name} holds {len(members):,} files: at most {MAX_MEMBERS:,}.")
    if sum(m.file_size for m in members) > MAX_BYTES:
        raise PaxtaError(f"{name} unpacks to more than {MAX_BYTES:,} bytes.")
    for m in members:
        path = PurePosixPath(m.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in m.filename:
            raise PaxtaError(f"{name}: the member {m.filename!r} would be written outside it.")
        if stat.S_ISLNK(m.external_attr >> 16):
            raise PaxtaError(f"{name}: the member {m.filename!r} is a link; links are refused.")
