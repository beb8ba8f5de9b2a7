"""The files of a project folder that go into its package.

``appstore build`` packs and ``appstore check`` verifies exactly the files this
module selects, so the two always agree. The rules, in order:

- version-control folders, ``dist/`` at the root and ``.appstoreignore`` itself
  are never packed;
- secret-looking files (``.env``, ``*.pem``, ``*.key``, ``id_rsa*`` ...) are never
  packed, whatever ``.appstoreignore`` says: a leaked key cannot be unpublished;
- ``.appstoreignore`` at the root excludes more, in gitignore syntax;
- a ``.helmignore`` in ``chart/`` (or in a vendored subchart folder below it)
  excludes files of that chart, as ``helm package`` does; its patterns are
  read in gitignore syntax, which covers Helm's (globs, ``dir/``, ``!``);
- symbolic links are refused: a package holds files, and a link could point
  outside the project.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

import pathspec

from sdk.errors import AppstoreError

IGNORE_FILE = ".appstoreignore"
HELM_IGNORE_FILE = ".helmignore"
CHART_FOLDER = "chart"
DIST_DIR = "dist"

#: Never packed, and not overridable by ``!pattern`` in ``.appstoreignore``.
ALWAYS_EXCLUDED = (
    ".git/", ".hg/", ".svn/", f"/{DIST_DIR}/", f"/{IGNORE_FILE}",
)
SECRET_PATTERNS = (
    ".env", ".env.*", "*.pem", "*.key", "id_rsa*", "id_dsa*", "id_ecdsa*", "id_ed25519*",
    "*.p12", "*.pfx", ".netrc", ".pypirc", ".npmrc", "*.kubeconfig", "kubeconfig",
)


@dataclass(frozen=True)
class FolderSelection:
    """What a folder contributes to its package.

    ``files`` maps archive paths (POSIX, sorted) to paths on disk;
    ``secrets`` lists files left out because they look like secrets, so the
    author can be told.
    """

    root: Path
    files: dict[str, Path]
    secrets: tuple[str, ...]

    def read_all(self) -> dict[str, bytes]:
        return {name: path.read_bytes() for name, path in self.files.items()}


def _spec(lines: list[str] | tuple[str, ...]) -> pathspec.GitIgnoreSpec:
    return pathspec.GitIgnoreSpec.from_lines(lines)


_ALWAYS = _spec(ALWAYS_EXCLUDED)
_SECRETS = _spec(SECRET_PATTERNS)


def load_ignore(root: Path) -> pathspec.GitIgnoreSpec:
    """The author's ``.appstoreignore``, or an empty spec."""
    path = root / IGNORE_FILE
    if not path.is_file():
        return _spec([])
    try:
        return _spec(path.read_text(encoding="utf-8").splitlines())
    except (UnicodeDecodeError, ValueError) as exc:
        raise AppstoreError(
            f"{IGNORE_FILE} cannot be read: {exc}.",
            hint="Save it as UTF-8 text with one gitignore pattern per line.",
        ) from exc


def _helm_ignores(base: Path, rel_dir: str, inherited: list[tuple[str, pathspec.GitIgnoreSpec]]
                  ) -> list[tuple[str, pathspec.GitIgnoreSpec]]:
    """The ``.helmignore`` specs that apply below ``rel_dir``, with the folder each is relative to."""
    inside_chart = rel_dir == CHART_FOLDER or rel_dir.startswith(CHART_FOLDER + "/")
    path = base / HELM_IGNORE_FILE
    if not inside_chart or not path.is_file() or path.is_symlink():
        return inherited
    try:
        spec = _spec(path.read_text(encoding="utf-8").splitlines())
    except (UnicodeDecodeError, ValueError) as exc:
        raise AppstoreError(f"{rel_dir}/{HELM_IGNORE_FILE} cannot be read: {exc}.",
                            hint="Save it as UTF-8 text with one pattern per line.") from exc
    return [*inherited, (rel_dir + "/", spec)]


def _helm_ignored(rel: str, ignores: list[tuple[str, pathspec.GitIgnoreSpec]]) -> bool:
    return any(spec.match_file(rel.removeprefix(folder)) for folder, spec in ignores
               if rel.startswith(folder))


def _unreadable(exc: OSError) -> None:
    # os.walk skips folders it cannot list; a package silently missing files is worse.
    raise AppstoreError(f"{exc.filename} cannot be read: {exc.strerror}.",
                        hint=f"Fix its permissions, or list it in {IGNORE_FILE}.") from exc


def select_files(root: Path) -> FolderSelection:
    """The files of ``root`` that belong in its package, by the rules above."""
    root = Path(root)
    if not root.is_dir():
        raise AppstoreError(f"{root} is not a folder.", hint="Give the folder that holds appstore.yaml.")
    ignore = load_ignore(root)
    files: dict[str, Path] = {}
    secrets: list[str] = []
    links: list[str] = []
    helm: dict[str, list[tuple[str, pathspec.GitIgnoreSpec]]] = {".": []}
    for dirpath, dirnames, filenames in os.walk(root, onerror=_unreadable, followlinks=False):
        base = Path(dirpath)
        rel_dir = base.relative_to(root).as_posix()
        prefix = "" if rel_dir == "." else rel_dir + "/"
        helm_ignores = _helm_ignores(base, rel_dir, helm.pop(rel_dir, []))
        # Prune excluded folders so .git or node_modules are never walked.
        kept = []
        for name in sorted(dirnames):
            rel = f"{prefix}{name}/"
            if _ALWAYS.match_file(rel) or ignore.match_file(rel) or ignore.match_file(rel[:-1]):
                continue
            if _helm_ignored(rel, helm_ignores):
                continue
            if (base / name).is_symlink():
                links.append(rel[:-1])
            else:
                kept.append(name)
                helm[prefix + name] = helm_ignores
        dirnames[:] = kept
        for name in filenames:
            rel = prefix + name
            path = base / name
            if _ALWAYS.match_file(rel):
                continue
            if path.is_symlink():
                if not ignore.match_file(rel):
                    links.append(rel)
                continue
            if _SECRETS.match_file(rel):
                secrets.append(rel)
            elif not ignore.match_file(rel) and not _helm_ignored(rel, helm_ignores) and path.is_file():
                files[rel] = path
    if links:
        raise AppstoreError(
            f"Symbolic links cannot go into a package: {', '.join(sorted(links))}.",
            hint=f"Replace each link by the file it points to, or list it in {IGNORE_FILE}.",
        )
    return FolderSelection(root, dict(sorted(files.items())), tuple(sorted(secrets)))
