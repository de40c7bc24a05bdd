import socket, sys
from pathlib import Path
import pytest

sys.path.insert(0, str(Path(__file__).parent))


@pytest.fixture(autouse=True)
def no_network(monkeypatch):
    "Any accidental download fails at once instead of hanging (DATASETS.md §9.5)"
    def refuse(*a, **k): raise socket.gaierror(-3, 'Temporary failure in name resolution (network disabled in tests)')
    monkeypatch.setattr(socket, 'getaddrinfo', refuse)


@pytest.fixture(scope='session')
def tiny(tmp_path_factory):
    "4 synthetic classes, 8 training and 2 test images each, 64 px: generated once for the whole test session"
    from fgvc_tutorial.synth import SynthConfig, generate_synth
    return generate_synth(SynthConfig(n_classes=4, n_train=8, n_test=2, size=64), tmp_path_factory.mktemp('synth')/'tiny', n_workers=1)


@pytest.fixture(scope='session')
def test_only(tmp_path_factory):
    "4 synthetic classes with 2 test images each and no training images"
    from fgvc_tutorial.synth import SynthConfig, generate_synth
    return generate_synth(SynthConfig(n_classes=4, n_train=0, n_test=2, size=64), tmp_path_factory.mktemp('synth')/'test_only', n_workers=1)
