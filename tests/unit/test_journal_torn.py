# A power cut in the middle of a record: the torn tail is cut at boot, at every byte.
import sys

from tests.unit.journal_torn_fixtures import _check_torn_at_every_byte

_MP = sys.implementation.name == "micropython"


def test_torn_tail_is_cut_at_every_byte_offset():
    _check_torn_at_every_byte(False)
