import pytest

from slkit.store import Store


@pytest.fixture
def kit_store(sqlite_url):
    s = Store(sqlite_url)
    s.migrate()
    yield s
    s.dispose()
