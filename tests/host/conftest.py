# The reference host most host tests talk to: one process and one SQLite file per test module
# (module scope), checked to have run without a traceback. A module needing other options
# (e.g. --slow-card-delay) defines its own `host`.
import pytest

from tools.host.process import HostProcess


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return str(tmp_path_factory.mktemp("host") / "host.sqlite")


@pytest.fixture(scope="module")
def host(db):
    with HostProcess(db) as h:
        yield h
        assert "Traceback" not in h.log(), h.log()
        assert h.alive(), h.log()
