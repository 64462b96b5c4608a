# Help and Troubleshoot (firmware/ui/care.py): every topic has its text, wrapped to the
# display with the hotline from config; topics open by digit or cursor, pages scroll within
# their length and go back; troubleshooting marks what is happening now and leads to the
# diagnostic report.
# The fixture first: compiled from source, it fragments the heap least before the firmware's
# modules load (64 KiB).
from tests.unit.care_fixtures import Term, run, shown  # isort: skip
from firmware.events import KEY, Event
from firmware.ui.care import HELP, TROUBLE, Page, Topics, page_lines
from firmware.ui.text import t


def _press(screen, *keys):
    nxt = None
    for key in keys:
        nxt = run(screen.handle(Event(KEY, key, 0)))
    return nxt


def test_every_topic_has_its_text_fitting_the_display():
    term = Term({"hotline": "555-0199"})
    for topic in HELP + TROUBLE:
        label = t(topic[0])
        assert label != topic[0] and len(label) <= 14, topic  # "8*" + label on 16 columns
        if topic[1] is None:
            continue
        lines = page_lines(term, topic[1])
        assert len(lines) > 3, topic
        assert max(len(line) for line in lines) <= 16, topic
        assert "%" not in " ".join(lines), topic
    assert "Support hotline: 555-0199" in " ".join(page_lines(term, "help-hotline"))


def test_paragraphs_break_lines_and_the_default_hotline_fills_in():
    lines = page_lines(Term(), "help-hotline")
    assert lines[:2] == ["Support hotline:", "400-800-1234"]
    assert lines[2].startswith("Have the serial")  # a new paragraph starts a new line
    steps = page_lines(Term(), "trouble-paper-out")
    assert [line for line in steps if line[:2] in ("1 ", "2 ", "3 ", "4 ", "5 ")] == [
        "1 Open the",
        "2 Take out the",
        "3 Put in a new",
        "4 Pull a little",
        "5 Press ENTER on",
    ]


def test_a_help_topic_opens_by_digit_scrolls_and_goes_back():
    term = Term({"hotline": "555-0199"})
    topics = Topics(term, "help")
    assert run(topics.start()) is None
    rows = term.draw(topics)
    assert rows[0] == "Help" and rows[1] == "1 Activate: wait" and rows[7] == "7 Whom to call"
    page = _press(topics, "7")
    assert type(page) is Page and page.back is topics
    rows = term.draw(page)
    assert rows[0] == "Whom to call"
    assert "Support hotline: 555-0199" in shown(rows)
    n = len(page.lines)
    assert n > 6 and rows[7] == "v CANCEL: back"  # more below
    _press(page, *["DOWN"] * (n + 2))
    assert page.top == n - 6
    rows = term.draw(page)
    assert rows[6] == page.lines[-1] and rows[7] == "  CANCEL: back"
    _press(page, *["UP"] * (n + 2))
    assert page.top == 0
    assert _press(page, "CANCEL") is topics
    assert _press(topics, "9") is None  # no topic 9
    assert topics.cursor == 6  # on the topic last chosen
    assert _press(topics, "DOWN") is topics and topics.cursor == 0  # wraps round
    assert _press(topics, "UP") is topics and topics.cursor == len(HELP) - 1
    nxt = _press(topics, "ENTER")
    assert nxt.title == t("help-l-call")
    assert _press(topics, "CANCEL")[1] == "IdleScreen"


def test_troubleshooting_marks_what_happens_now_and_ends_with_the_report():
    term = Term()
    term.problem = "paper-out"
    term.up = False
    topics = Topics(term, "trouble")
    assert run(topics.start()) is topics
    rows = term.draw(topics)
    assert rows[0] == "Troubleshoot" and rows[7] == "*: happening now"
    assert rows[1:3] == ["1*Paper out", "2 Cover open"]
    assert rows[5] == "5*Network down" and rows[6] == "6 Host silent"
    page = _press(topics, "1")
    assert page.title == "Paper out"
    assert "Put in a new 58 mm thermal roll" in " ".join(page.lines)
    assert _press(page, "ENTER") is topics
    _press(topics, "DOWN", "DOWN", "DOWN", "DOWN", "DOWN", "DOWN", "DOWN")
    assert topics.cursor == 7
    rows = term.draw(topics)
    assert rows[6] == "8 Diag report"  # the list scrolled to keep the cursor in view
    assert _press(topics, "ENTER") == ("firmware.ui.diag", "DiagReport")
    assert _press(topics, "8") == ("firmware.ui.diag", "DiagReport")
    term.problem = None
    term.up = True
    run(topics.start())  # back from a page, the marks are checked again
    assert "*" not in "".join(term.draw(topics)[1:7])
