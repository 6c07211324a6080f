"""Service work depends on complaints and customers; they never depend on it."""

import ast
from pathlib import Path

import pytest
from django.conf import settings

LOWER_APPS = ["customers", "complaints", "quality"]


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


@pytest.mark.parametrize("app", LOWER_APPS)
def test_no_module_of_a_lower_app_imports_servicing(app):
    root = Path(settings.BASE_DIR) / app
    offenders = [
        str(path.relative_to(settings.BASE_DIR))
        for path in sorted(root.rglob("*.py"))
        if any(name == "servicing" or name.startswith("servicing.") for name in _imports(path))
    ]
    assert offenders == []


def test_the_old_service_module_names_are_gone():
    complaints = Path(settings.BASE_DIR) / "complaints"
    old = ["views_service", "forms_service.py", "selectors_service.py", "service_urls.py", "services/around.py"]
    assert [name for name in old if (complaints / name).exists()] == []
    assert not (Path(settings.BASE_DIR) / "templates" / "complaints" / "service").exists()
