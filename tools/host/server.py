# The HTTP face of the host (aiohttp): the terminal API under /v1/, and the merchant's web
# page at / (an HTML form for browsers, the same POST with a JSON body for an app).
import asyncio
import html
import json
import signal
import sys
import time
import traceback

from aiohttp import web

from tools.host import proto
from tools.host.service import Host
from tools.host.validate import BadRequest

HOST_KEY = web.AppKey("host", Host)

FORM = """<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Terminal activation</title>
<style>body{font-family:sans-serif;max-width:28em;margin:2em auto}label{display:block;
margin:.8em 0}input{width:100%%;padding:.3em}.code{font-size:2em;letter-spacing:.1em}
.error{color:#a00}</style></head><body>
<h1>Activate a terminal</h1>
%s
<form method="post" action="/">
<label>Merchant ID <input name="merchant" value="%s" required></label>
<label>Serial number (on the label under the terminal) <input name="serial" value="%s" required>
</label>
<label>Terminal number <input name="terminal" value="%s" required></label>
<button type="submit">Get activation code</button>
</form>
<p>Enter the code on the terminal under Settings &rarr; Activate. A code works once, for this
terminal only, until it expires; five wrong entries cancel it.</p>
</body></html>
"""

ISSUED = """<p>Activation code for terminal %s (serial %s):</p>
<p class="code" id="code">%s</p>
<p>Valid until %s.</p>"""


def _error(status, error, detail):
    return web.json_response({"error": error, "detail": detail}, status=status)


@web.middleware
async def json_errors(request, handler):
    """Every failure leaves as a JSON object with a 4xx/5xx status, never a traceback page."""
    try:
        return await handler(request)
    except web.HTTPRequestEntityTooLarge:
        return _error(413, "too-large", "bodies are limited to %d bytes" % proto.MAX_BODY)
    except web.HTTPException as e:
        if e.status < 400:
            raise
        return _error(e.status, e.reason.lower().replace(" ", "-"), e.reason)
    except Exception:
        traceback.print_exc()
        return _error(500, "internal", "the host failed; see its log")


async def _read(request):
    if request.content_length is not None and request.content_length > proto.MAX_BODY:
        raise web.HTTPRequestEntityTooLarge(proto.MAX_BODY, request.content_length)
    return await request.read()


async def api(request):
    raw = await _read(request)
    reply = request.app[HOST_KEY].handle(request.path, raw)
    if reply.delay:
        await asyncio.sleep(reply.delay)
    return web.json_response(reply.body, status=reply.status)


async def form_page(request):
    return _page("", "", "", "")


async def form_post(request):
    host = request.app[HOST_KEY]
    raw = await _read(request)
    if request.content_type == "application/json":
        try:
            fields = json.loads(raw)
        except (ValueError, RecursionError):
            return _error(400, "bad-json", "body is not JSON")
        if not isinstance(fields, dict):
            return _error(400, "bad-request", "body must be a JSON object")
        try:
            issued = _issue(host, fields)
        except BadRequest as e:
            return _error(e.status, e.error, e.detail)
        return web.json_response(issued)
    if request.content_type not in ("application/x-www-form-urlencoded", "multipart/form-data"):
        return _error(415, "unsupported-media-type", "send a form or a JSON object")
    form = await request.post()
    fields = {k: form.get(k, "") for k in ("merchant", "serial", "terminal")}
    echo = [html.escape(str(fields[k])) for k in ("merchant", "serial", "terminal")]
    try:
        issued = _issue(host, fields)
    except BadRequest as e:
        note = '<p class="error">%s</p>' % html.escape(e.detail)
        return _page(note, *echo, status=400)
    until = time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime(issued["expires_at"]))
    note = ISSUED % (echo[2], echo[1], proto.group_code(issued["code"]), until)
    return _page(note, *echo)


def _issue(host, fields):
    for name in ("merchant", "serial", "terminal"):
        if not isinstance(fields.get(name), str) or not fields[name]:
            raise BadRequest("missing field: " + name)
    return host.issue_code(fields["merchant"], fields["serial"], fields["terminal"], "web")


def _page(note, merchant, serial, terminal, status=200):
    text = FORM % (note, merchant, serial, terminal)
    return web.Response(text=text, content_type="text/html", status=status)


def make_app(host):
    app = web.Application(client_max_size=proto.MAX_BODY, middlewares=[json_errors])
    app[HOST_KEY] = host
    app.router.add_get("/", form_page)
    app.router.add_post("/", form_post)
    app.router.add_post("/v1/{name}", api)
    return app


async def serve(host, bind, port, out=sys.stdout):
    """Run until SIGTERM or SIGINT; print the URL once listening."""
    runner = web.AppRunner(make_app(host), access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, bind, port)
    await site.start()
    port = runner.addresses[0][1]
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGTERM, signal.SIGINT):
        loop.add_signal_handler(sig, stop.set)
    print("host listening on http://%s:%d/" % (bind, port), file=out, flush=True)
    try:
        await stop.wait()
    finally:
        await runner.cleanup()
    print("host stopped", file=out, flush=True)
