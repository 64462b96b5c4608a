# Installing a signed update (docs/update.md) from the update media or the host: finds it,
# asks, installs with its progress on screen and says what came of it. An overlay of its own,
# so that the installer and the signature check have the heap without the menu's code.
from compat import asyncio, ticks_ms
from firmware.events import KEY, TICK, Event
from firmware.ui.screen import Screen, wrap
from firmware.ui.text import t

USES = (
    "firmware.maint.hostsrc firmware.maint.install firmware.maint.errlog firmware.pos.audit "
    "firmware.net firmware.activation"
)
_BACK = ("firmware.ui.maint", "Maintenance")


class Update(Screen):
    """Finds the update on the media or at the host, installs it on ENTER with its progress
    on screen, and says what came of it. Keys wait while it installs."""

    def __init__(self, term, where):
        super().__init__(term)
        self.where = where  # "media" | "host"
        self.found = None  # (media path or host size, version)
        self.phase = "look"  # look, none, offer, busy, done, refused
        self.why = None  # catalogue key of a refusal
        self.src = None
        self.drawn = None

    async def start(self):
        from firmware.maint.install import Refused, find_media

        try:
            if self.where == "media":
                self.found = find_media(self.term)
            else:
                from firmware.maint.hostsrc import offered

                got = await offered(self.term)
                self.found = got and (got[1], got[0])
            self.phase = "offer" if self.found else "none"
        except Refused as e:
            self.phase, self.why = "refused", e.args[0]
        return self

    def draw(self, canvas):
        phase = self.drawn = self.phase
        version = self.found and self.found[1]
        hint = t("back-hint")
        if phase == "look":
            lines, hint = [t("mt-up-looking")], None
        elif phase == "none":
            media = self.where == "media"
            lines = wrap(t("mt-up-none-media" if media else "mt-up-none-host"))
        elif phase == "offer":
            lines, hint = wrap(t("mt-up-found", version)), t("mt-up-install")
        elif phase == "busy":
            src = self.src
            done = src.done * 100 // src.size if src and src.size else 0
            lines, hint = wrap(t("mt-up-installing", version, done)), None
        elif phase == "done":
            lines = wrap(t("mt-up-done-next", version))
        else:
            lines = wrap(t("mt-up-refused")) + wrap(t(self.why)) + wrap(t("mt-up-nothing"))
        title = "mt-item-media" if self.where == "media" else "mt-item-host"
        self.paint(canvas, t(title), lines, hint)

    async def handle(self, event):
        if event.kind == TICK:  # the progress moves on each tick, and the outcome shows
            return self if self.phase == "busy" or self.phase != self.drawn else None
        if event.kind != KEY or self.phase == "busy":
            return None
        if event.value == "ENTER" and self.phase == "offer":
            self.phase = "busy"
            asyncio.create_task(self._install())
            return self
        if event.value in ("CANCEL", "ENTER"):
            return _BACK
        return None

    async def _install(self):
        from firmware.maint import install

        term = self.term
        where, version = self.found
        try:
            if self.where == "media":
                self.src = install.Media(where)
            else:
                from firmware.maint.hostsrc import Host

                self.src = Host(term, version, where)
            version = await install.install(term, self.src)
            self.phase, result = "done", "mt-up-installed"
        except Exception as e:  # a refusal, or anything else: never stuck installing
            refused = isinstance(e, install.Refused)
            why = e.args[0] if refused else "upd-install-failed"
            self.phase, self.why, result = "refused", why, why
            what = why[4:] if refused else "%s: %s" % (type(e).__name__, e)
            from firmware.maint import errlog

            errlog.record(term, "update %s refused: %s" % (version, what))
        term.store.put("fw-last", [version, result])
        from firmware.pos import audit

        audit.record(term, "update", term.role, version=version, result=result, src=self.where)
        term.queue.put(Event(TICK, None, ticks_ms()))  # show the outcome now
