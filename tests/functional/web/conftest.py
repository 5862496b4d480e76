import functools

import pytest


@pytest.fixture(scope="session", autouse=True)
def form_catalogue_loaded_once():
    """Parsing every form definition costs ~0.5 s per app; the catalogue is immutable, so share it."""
    from webapp import formdefs

    original = formdefs.load_catalogue
    formdefs.load_catalogue = functools.lru_cache(maxsize=4)(original)
    yield
    formdefs.load_catalogue = original
