import pytest

from slkit.store import open_store


@pytest.fixture
def kit_store(sqlite_url):
    with open_store(sqlite_url, migrate=True) as s:
        yield s
