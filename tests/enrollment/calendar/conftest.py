import pytest
from django.core.cache import cache

from tests import factories


@pytest.fixture(autouse=True)
def _clear_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def venue(db):
    return factories.VenueFactory(name="Tartu Loomemajanduskeskus", address="Kalevi 17, Tartu",
                                  map_url="https://kaart.example.ee/kalevi-17")
