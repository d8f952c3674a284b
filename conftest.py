"""Marks every test under a `tests/unit/` folder `unit`, so `pytest -m unit` runs the fast in-memory ones alone."""

import pytest

UNIT_FOLDER = ("tests", "unit")


@pytest.hookimpl(tryfirst=True)  # before `-m` deselects by marker
def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        folders = item.path.parent.parts
        if any(folders[i : i + 2] == UNIT_FOLDER for i in range(len(folders) - 1)):
            item.add_marker(pytest.mark.unit)
