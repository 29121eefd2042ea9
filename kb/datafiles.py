"""Reading the data files shipped with the packages (``kb/data/``, ``indexer/data/``).

Every error names the file and the fix (``kb.errors.DataFileError``).
"""

from __future__ import annotations

from importlib import resources
from importlib.resources.abc import Traversable

import yaml

from kb.errors import DataFileError

# libyaml's safe loader when PyYAML has it: the same mappings, five times faster (the app's
# first query reads departments.yaml for the search vocabulary).
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def data_path(package: str, name: str) -> Traversable:
    """``<package>/data/<name>`` as installed (package data, under version control)."""
    return resources.files(package).joinpath("data", name)


def read_yaml(path: Traversable, where: str) -> dict:
    """The mapping at the top of a YAML file; ``where`` is how messages name it (kb/data/x.yaml)."""
    try:
        data = yaml.load(path.read_text(encoding="utf-8"), Loader=_LOADER)
    except FileNotFoundError:
        raise DataFileError(f"{where}: missing; reinstall the package or restore the file "
                            "from git") from None
    except yaml.YAMLError as e:
        raise DataFileError(f"{where}: not valid YAML ({str(e).splitlines()[0]}); "
                            "fix the file") from None
    if not isinstance(data, dict):
        raise DataFileError(f"{where}: expected a mapping at the top level")
    return data
