from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from crmclean.master.build import build
from crmclean.rules.load import load_rules

DATA = Path(__file__).parent / "data"
SHOP, CRM, LOYALTY = DATA / "shop_ru.csv", DATA / "crm_en.csv", DATA / "loyalty.csv"


@pytest.fixture(scope="session")
def built_master(tmp_path_factory) -> Path:
    """The master of shop_ru.csv (Russian headers) and crm_en.csv (English headers), built once."""
    root = tmp_path_factory.mktemp("master") / "m"
    build(root, [str(SHOP), str(CRM)], load_rules(None), ["shop", "crm"])
    return root


@pytest.fixture
def master_dir(built_master, tmp_path) -> Path:
    """A private copy of the built master (symlinks kept: they are relative)."""
    root = tmp_path / "m"
    shutil.copytree(built_master, root, symlinks=True)
    return root
