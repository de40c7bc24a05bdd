import socket, sys
from pathlib import Path
import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    "Any accidental download fails at once instead of hanging (DATASETS.md §9.5)"
    def refuse(*a, **k): raise socket.gaierror(-3, 'Temporary failure in name resolution (network disabled in tests)')
    monkeypatch.setattr(socket, 'getaddrinfo', refuse)
