"""Build step: compile the web store's message catalogues into the package.

Everything else is declared in setup.cfg. A running registry only reads the
compiled ``.mo`` files, so an installed package must carry them.
"""

from __future__ import annotations

import importlib.util
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

HERE = Path(__file__).parent


def _compile_catalogues(root: Path) -> None:
    # Loaded by path: importing the `web` package would need Flask, which the build lacks.
    spec = importlib.util.spec_from_file_location("_catalogues", HERE / "web" / "catalogues.py")
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load {HERE / 'web' / 'catalogues.py'}; is the source tree complete?")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    module.compile_catalogues(root)


class BuildWithCatalogues(build_py):
    """``build_py`` that also compiles ``web/translations/*/LC_MESSAGES/*.po``."""

    def run(self) -> None:
        super().run()
        if getattr(self, "editable_mode", False):
            _compile_catalogues(HERE / "web" / "translations")  # an editable install reads the tree
        else:
            _compile_catalogues(Path(self.build_lib) / "web" / "translations")


setup(cmdclass={"build_py": BuildWithCatalogues})
