# docs/help.md says what the terminal's Help and Troubleshoot screens say: it is generated from
# the catalogue (tools/help_doc.py) and up to date, every topic's text is in it word for word,
# and every help text in the catalogue is a topic the terminal offers.
import os
import subprocess
import sys

from tools import help_doc

ROOT = help_doc.ROOT


def test_docs_help_is_generated_and_up_to_date():
    with open(help_doc.OUT, encoding="utf-8") as f:
        assert f.read() == help_doc.render(), "run: python -m tools.help_doc"
    check = [sys.executable, "-m", "tools.help_doc", "--check"]
    assert subprocess.run(check, cwd=ROOT).returncode == 0


def test_every_topic_text_is_in_docs_help_word_for_word():
    cat = help_doc.catalogue()
    with open(os.path.join(ROOT, "docs", "help.md"), encoding="utf-8") as f:
        doc = f.read()
    topics = help_doc.topics("HELP") + help_doc.topics("TROUBLE")
    keys = [t[1] for t in topics if t[1]]
    assert len(keys) == 14
    for key in keys:
        n = 0
        while "%s-%d" % (key, n + 1) in cat:
            n += 1
            paragraph = cat["%s-%d" % (key, n)]
            assert "\n" + paragraph.replace("%s", "`<hotline>`") + "\n" in doc, (key, n)
        assert n >= 3, key
    for label, *_ in topics:
        assert "### " + cat[label] + "\n" in doc


def test_every_help_text_in_the_catalogue_is_a_topic_on_the_terminal():
    # (and no paragraph is a long line: every catalogue lookup reads lines on its way)
    cat = help_doc.catalogue()
    offered = {t[1] for t in help_doc.topics("HELP")} | {t[0] for t in help_doc.topics("HELP")}
    written = {k.rstrip("0123456789").rstrip("-") for k in cat if k.startswith("help-")}
    assert written - {"help-screen-title"} == offered
    assert all(len(k) > 10 for k in written)  # long keys: no permanent interned strings
    assert max(len(k) + len(v) for k, v in cat.items() if k[:5] in ("help-", "troub")) <= 160
