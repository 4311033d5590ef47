import pytest


@pytest.fixture
def child(world):
    return world.family.children.get()
